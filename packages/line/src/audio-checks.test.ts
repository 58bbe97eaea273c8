import { encodeWav } from '@psrkit/protocol';
import { describe, expect, it } from 'vitest';
import { concatBytes, mp3FramesOf, tone } from './__fixtures__/audio.js';
import { inspectMp3, inspectWav } from './audio-checks.js';

const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

describe('inspectWav', () => {
  it('accepts 16-bit 8000 Hz mono and returns its samples', () => {
    const wav = inspectWav(encodeWav({ sampleRate: 8000, channels: 1, samples: tone(100) }));
    expect(wav.problems).toEqual([]);
    expect(wav.pcm).toHaveLength(800);
  });

  it('names the format when it is not what PSR plays', () => {
    const wav = inspectWav(
      encodeWav({ sampleRate: 16000, channels: 2, samples: new Int16Array(320) }),
    );
    expect(codes(wav.problems)).toEqual(['WAV_FORMAT', 'WAV_FORMAT']);
    expect(wav.problems[0]!.message).toContain('16000 Hz');
    expect(wav.problems[1]!.message).toContain('2 channels');
    // Still playable (the emulator converts it, like a lenient PSR would).
    expect(wav.sampleRate).toBe(16000);
  });

  it('rejects bytes that are not a WAV file and WAVs without audio', () => {
    expect(
      codes(inspectWav(new TextEncoder().encode('not a wav at all, really')).problems),
    ).toEqual(['INVALID_WAV']);
    expect(
      codes(
        inspectWav(encodeWav({ sampleRate: 8000, channels: 1, samples: new Int16Array(0) }))
          .problems,
      ),
    ).toEqual(['EMPTY_AUDIO']);
  });
});

describe('inspectMp3', () => {
  it('counts the frames and samples of whole 8 kHz mono frames', () => {
    const frames = mp3FramesOf(tone(300));
    const mp3 = inspectMp3(concatBytes(frames));
    expect(mp3.problems).toEqual([]);
    expect(mp3.frames).toBe(frames.length);
    expect(mp3.samples).toBe(576 * frames.length);
  });

  it('flags a chunk cut in the middle of a frame', () => {
    const bytes = concatBytes(mp3FramesOf(tone(300)));
    const mp3 = inspectMp3(bytes.subarray(0, bytes.length - 10));
    expect(codes(mp3.problems)).toEqual(['MP3_PARTIAL_FRAME']);
    expect(mp3.problems[0]!.message).toMatch(/bytes after the last whole frame/);
  });

  it('flags frames that are not 8000 Hz mono', () => {
    // An MPEG-1 Layer III frame header at 44.1 kHz, 128 kbps, stereo; padded to its length (417 bytes).
    const frame = new Uint8Array(417);
    frame.set([0xff, 0xfb, 0x90, 0x00]);
    expect(codes(inspectMp3(frame).problems)).toEqual(['MP3_FORMAT']);
  });

  it('rejects a chunk that is not MP3', () => {
    expect(codes(inspectMp3(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])).problems)).toEqual([
      'INVALID_MP3',
    ]);
  });
});
