import { describe, expect, it } from 'vitest';
import { concatPcm, interleaveStereo, pcm16FromBytes, pcm16ToBytes } from './pcm16.js';

describe('pcm16FromBytes', () => {
  it('reads little-endian samples without copying when aligned', () => {
    const bytes = new Uint8Array([0x01, 0x00, 0xff, 0xff, 0x00, 0x80, 0xff, 0x7f]);
    const samples = pcm16FromBytes(bytes);
    expect([...samples]).toEqual([1, -1, -32768, 32767]);
    expect(samples.buffer).toBe(bytes.buffer);
  });

  it('copies when the bytes start at an odd offset', () => {
    const backing = new Uint8Array([9, 0x02, 0x00, 0xfe, 0xff]);
    const samples = pcm16FromBytes(backing.subarray(1));
    expect([...samples]).toEqual([2, -2]);
    expect(samples.buffer).not.toBe(backing.buffer);
  });

  it('rejects an odd byte count with the path', () => {
    expect(() => pcm16FromBytes(new Uint8Array(3), '$.media.payload')).toThrow(
      expect.objectContaining({ code: 'ODD_PCM_LENGTH', path: '$.media.payload' }),
    );
  });

  it('pcm16ToBytes is its inverse', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768]);
    expect(pcm16FromBytes(pcm16ToBytes(samples))).toEqual(samples);
  });
});

describe('concatPcm', () => {
  it('joins pieces in order, empty ones included', () => {
    expect(concatPcm([new Int16Array([1, 2]), new Int16Array(0), new Int16Array([3])])).toEqual(
      new Int16Array([1, 2, 3]),
    );
    expect(concatPcm([])).toEqual(new Int16Array(0));
  });
});

describe('interleaveStereo', () => {
  it('puts A left and B right, silent where a side is shorter, cut or padded to frames', () => {
    const a = Int16Array.of(1, 2, 3);
    const b = Int16Array.of(-1);
    expect([...interleaveStereo(a, b)]).toEqual([1, -1, 2, 0, 3, 0]);
    expect([...interleaveStereo(a, b, 2)]).toEqual([1, -1, 2, 0]);
    expect([...interleaveStereo(a, b, 4)]).toEqual([1, -1, 2, 0, 3, 0, 0, 0]);
  });
});
