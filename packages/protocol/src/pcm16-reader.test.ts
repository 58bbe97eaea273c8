import { describe, expect, it } from 'vitest';
import { createPcm16Reader } from './pcm16-reader.js';

const bytesOf = (samples: number[]) => new Uint8Array(Int16Array.from(samples).buffer);

describe('createPcm16Reader', () => {
  it('reads little-endian samples, negative ones included', () => {
    const reader = createPcm16Reader();
    expect([...reader.push(Uint8Array.of(0x01, 0x00, 0xff, 0xff, 0x00, 0x80, 0xff, 0x7f))]).toEqual(
      [1, -1, -32768, 32767],
    );
    expect(reader.pending).toBe(0);
  });

  it('joins a sample split over two pieces, however the bytes are cut', () => {
    const samples = [300, -2, 12345, -32768, 7];
    const bytes = bytesOf(samples);
    for (let cut = 0; cut <= bytes.length; cut++)
      for (let second = cut; second <= bytes.length; second++) {
        const reader = createPcm16Reader();
        const out = [
          ...reader.push(bytes.subarray(0, cut)),
          ...reader.push(bytes.subarray(cut, second)),
          ...reader.push(bytes.subarray(second)),
        ];
        expect(out).toEqual(samples);
        expect(reader.pending).toBe(0);
      }
  });

  it('holds an odd byte back until its partner comes, one byte at a time', () => {
    const reader = createPcm16Reader();
    expect([...reader.push(Uint8Array.of(0x34))]).toEqual([]);
    expect(reader.pending).toBe(1);
    expect([...reader.push(Uint8Array.of(0x12))]).toEqual([0x1234]);
    expect([...reader.push(new Uint8Array(0))]).toEqual([]);
    expect(reader.pending).toBe(0);
  });

  it('reads bytes at an odd offset, and never shares memory with them', () => {
    const backing = Uint8Array.of(9, 0x02, 0x00, 0xfe, 0xff);
    const samples = createPcm16Reader().push(backing.subarray(1));
    expect([...samples]).toEqual([2, -2]);
    expect(samples.buffer).not.toBe(backing.buffer);
  });
});
