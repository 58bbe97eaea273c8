import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PcmFifo } from './pcm-fifo.js';

describe('PcmFifo', () => {
  it('gives back what it was given, in order, whatever the read sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 50 }), {
          maxLength: 20,
        }),
        fc.array(fc.integer({ min: 0, max: 70 }), { minLength: 1, maxLength: 30 }),
        (pieces, reads) => {
          const fifo = new PcmFifo();
          for (const piece of pieces) fifo.push(Int16Array.from(piece));
          const all = pieces.flat();
          expect(fifo.length).toBe(all.length);
          const out: number[] = [];
          for (let i = 0; fifo.length > 0; i++) {
            const size = reads[i % reads.length]!;
            const taken = i % 3 === 2 ? fifo.takePiece()! : fifo.take(size);
            out.push(...taken);
            if (size === 0 && i % 3 !== 2) out.push(...fifo.take(1));
          }
          expect(out).toEqual(all);
          expect(fifo.take(5)).toHaveLength(0);
          expect(fifo.takePiece()).toBeUndefined();
        },
      ),
    );
  });

  it('hands out views, not copies, when one piece holds the samples asked for', () => {
    const piece = Int16Array.from([1, 2, 3, 4]);
    const fifo = new PcmFifo();
    fifo.push(piece);
    fifo.push(Int16Array.from([5, 6]));
    const head = fifo.take(3);
    expect(head.buffer).toBe(piece.buffer);
    expect([...fifo.take(2)]).toEqual([4, 5]); // across pieces: a copy
    expect([...fifo.takePiece()!]).toEqual([6]);
    fifo.push(Int16Array.from([7]));
    fifo.clear();
    expect(fifo.length).toBe(0);
  });
});
