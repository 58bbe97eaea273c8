import type { SpeechPiece } from '@psrkit/pipeline';
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from './entry-codec.js';

const KEY = 'ab'.repeat(32);
const pieces: SpeechPiece[] = [
  { type: 'audio', samples: new Int16Array([1, -2, 32767, -32768]) },
  { type: 'words', words: [{ text: 'Dạ', startMs: 0, endMs: 0.25 }], estimated: false },
  { type: 'audio', samples: new Int16Array([5]) },
  { type: 'words', words: [{ text: 'vâng.', startMs: 0.25, endMs: 0.3125 }], estimated: true },
];

describe('an entry file', () => {
  it('holds the speech exactly: audio, word timings and which were estimated, in order', () => {
    const file = encodeEntry(KEY, { sampleRate: 16000, pieces });
    expect(decodeEntry(file, KEY, 16000)).toEqual({ sampleRate: 16000, pieces });
  });

  it('reads a file held at an odd offset in memory', () => {
    const file = encodeEntry(KEY, { sampleRate: 8000, pieces });
    const odd = Buffer.concat([Buffer.from([0]), file]).subarray(1);
    expect(decodeEntry(odd, KEY, 8000)).toEqual({ sampleRate: 8000, pieces });
  });

  it('says what is wrong with a file it cannot trust', () => {
    const file = encodeEntry(KEY, { sampleRate: 16000, pieces });
    const flipped = Buffer.from(file);
    flipped[90] = flipped[90]! ^ 0x10;
    expect(decodeEntry(file, 'cd'.repeat(32), 16000)).toBe('written for another key');
    expect(decodeEntry(file, KEY, 24000)).toBe("audio at 16000 Hz, the engine's is 24000 Hz");
    expect(decodeEntry(flipped, KEY, 16000)).toBe('checksum mismatch');
    expect(decodeEntry(file.subarray(0, 100), KEY, 16000)).toBe(
      `100 bytes, the header says ${file.length}`,
    );
    expect(decodeEntry(file.subarray(0, 20), KEY, 16000)).toBe('20 bytes, shorter than a header');
    expect(decodeEntry(Buffer.alloc(200), KEY, 16000)).toBe('not a psrkit TTS cache file (magic)');
  });
});
