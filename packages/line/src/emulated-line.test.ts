import { describe, expect, it } from 'vitest';
import { concatBytes, mp3FramesOf, rms, tone } from './__fixtures__/audio.js';
import { EmulatedLine } from './emulated-line.js';

const ms = (n: number) => n * 8; // samples

describe('EmulatedLine: media files', () => {
  it('queues is_sync files one after another', () => {
    const line = new EmulatedLine();
    line.playFile(tone(500), true, 0);
    line.playFile(tone(300, 880), true, ms(100));
    expect(line.botAudio()).toEqual([{ kind: 'file', startMs: 0, endMs: 800 }]);
    expect(line.endSample).toBe(ms(800));
    expect(line.cuts).toEqual([]);
    expect(rms(line.read(ms(600), ms(100)))).toBeGreaterThan(4000);
  });

  it('is_sync false cuts what plays and starts at once', () => {
    const line = new EmulatedLine();
    line.playFile(tone(1000), true, 0);
    line.playFile(tone(200, 880), false, ms(300));
    expect(line.cuts).toEqual([{ atMs: 300, cutMs: 700, by: 'media' }]);
    expect(line.botAudio()).toEqual([
      { kind: 'file', startMs: 0, endMs: 300 },
      { kind: 'file', startMs: 300, endMs: 500 },
    ]);
    // Nothing of the first file is heard after the cut.
    expect(rms(line.read(ms(500), ms(500)))).toBe(0);
  });

  it('hangup and transfer stop the line', () => {
    const line = new EmulatedLine();
    line.playFile(tone(1000), true, 0);
    line.stop(ms(250), 'hangup');
    expect(line.cuts).toEqual([{ atMs: 250, cutMs: 750, by: 'hangup' }]);
    expect(line.heard().length).toBeLessThanOrEqual(ms(1000));
    expect(rms(line.read(ms(250), ms(750)))).toBe(0);
  });
});

describe('EmulatedLine: chunk streams', () => {
  it('appends pcm16 chunks in order and finds no underrun when they come in time', async () => {
    const line = new EmulatedLine();
    const chunk = new Uint8Array(tone(100).buffer);
    for (let i = 0; i < 5; i++)
      expect(await line.playChunk('pcm16', chunk, ms(100), ms(i * 90))).toEqual([]);
    expect(line.underruns).toEqual([]);
    expect(line.botAudio()).toEqual([{ kind: 'stream', startMs: 0, endMs: 500 }]);
  });

  it("measures each chunk's margin: the audio still queued when it came", async () => {
    const line = new EmulatedLine();
    const chunk = new Uint8Array(tone(100).buffer);
    for (const at of [0, 0, 150, 260]) await line.playChunk('pcm16', chunk, ms(100), ms(at));
    // Queued when each came: 100 ms (the second), 50 ms, 40 ms; the first opened the stream.
    expect(line.margins).toEqual([100, 50, 40]);
  });

  it('a non-sync file cuts a stream by default; with mediaCutsStream false it plays over it', async () => {
    const chunk = new Uint8Array(tone(100).buffer);
    const cutting = new EmulatedLine();
    const twoPlayers = new EmulatedLine({ mediaCutsStream: false });
    for (const line of [cutting, twoPlayers]) {
      for (let i = 0; i < 3; i++) await line.playChunk('pcm16', chunk, ms(100), 0);
      line.playFile(tone(200, 880), false, ms(120));
    }
    expect(cutting.cuts).toEqual([{ atMs: 120, cutMs: 180, by: 'media' }]);
    expect(cutting.talkOver).toEqual([]);
    expect(twoPlayers.cuts).toEqual([]);
    expect(twoPlayers.talkOver).toEqual([{ atMs: 120, overlapMs: 180 }]);
    // Both heard at once: louder than either alone where they overlap.
    expect(rms(twoPlayers.read(ms(150), ms(100)))).toBeGreaterThan(
      rms(cutting.read(ms(150), ms(100))),
    );
  });

  it('reports a gap inside a stream as an underrun, and a long pause as a new stream', async () => {
    const line = new EmulatedLine({ streamGapMs: 1000 });
    const chunk = new Uint8Array(tone(100).buffer);
    await line.playChunk('pcm16', chunk, ms(100), 0);
    await line.playChunk('pcm16', chunk, ms(100), ms(160)); // 60 ms late
    await line.playChunk('pcm16', chunk, ms(100), ms(3000)); // a new stream
    expect(line.underruns).toEqual([{ atMs: 100, gapMs: 60 }]);
    expect(line.botAudio().map((b) => b.startMs)).toEqual([0, 160, 3000]);
  });

  it('decodes MP3 chunks of one stream with one decoder: what plays is the encoded tone', async () => {
    const line = new EmulatedLine({ decode: 'stream' });
    const frames = mp3FramesOf(tone(1000));
    // Two frames per chunk, like the pipeline's default.
    for (let i = 0; i < frames.length; i += 2) {
      const chunk = concatBytes(frames.slice(i, i + 2));
      const problems = await line.playChunk(
        'mp3',
        chunk,
        576 * Math.min(2, frames.length - i),
        i * 576,
      );
      expect(problems).toEqual([]);
    }
    line.close();
    const heard = line.heard();
    // The tone (after the codec's delay) is there at about its level: 8000 peak → ~5657 RMS.
    expect(rms(heard.subarray(ms(200), ms(800)))).toBeGreaterThan(4000);
    expect(line.underruns).toEqual([]);
  });

  it('a file with is_sync false cuts a stream: later chunks of that stream start a new one', async () => {
    const line = new EmulatedLine();
    const chunk = new Uint8Array(tone(500).buffer);
    await line.playChunk('pcm16', chunk, ms(500), 0);
    line.playFile(tone(100), false, ms(200));
    expect(line.cuts).toEqual([{ atMs: 200, cutMs: 300, by: 'media' }]);
    await line.playChunk('pcm16', chunk, ms(500), ms(400));
    expect(line.underruns).toEqual([]);
  });

  it('flags chunks the decoder cannot read', async () => {
    const line = new EmulatedLine();
    const frames = mp3FramesOf(tone(300));
    const broken = concatBytes(frames);
    broken.fill(0xaa, 4, broken.length); // headers intact at the start, garbage after
    const problems = await line.playChunk('mp3', broken, 576 * frames.length, 0);
    line.close();
    expect(problems.map((p) => p.code)).toContain('MP3_UNDECODABLE');
  });
});
