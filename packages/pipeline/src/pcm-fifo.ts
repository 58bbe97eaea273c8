/**
 * A first-in, first-out queue of PCM samples kept as the pieces it was given (no copy
 * on `push`). Read it a piece at a time (`takePiece`, e.g. to feed a resampler the
 * source's pieces) or in any size (`take`: a view when the samples lie in one piece).
 * A piece pushed must not be changed afterwards.
 */
export class PcmFifo {
  private pieces: Int16Array[] = [];
  private head = 0;
  /** Offset into the first piece. */
  private offset = 0;
  /** Samples queued. */
  length = 0;

  /** Queues samples (kept by reference: do not change them afterwards). */
  push(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.pieces.push(samples);
    this.length += samples.length;
  }

  /** The rest of the first piece, or `undefined` when empty. */
  takePiece(): Int16Array | undefined {
    const piece = this.pieces[this.head];
    if (!piece) return undefined;
    const rest = this.offset === 0 ? piece : piece.subarray(this.offset);
    this.advance(rest.length);
    return rest;
  }

  /** The next `count` samples (fewer when fewer are queued). */
  take(count: number): Int16Array {
    const n = Math.max(0, Math.min(count, this.length));
    const first = this.pieces[this.head];
    if (first && first.length - this.offset >= n) {
      const view = first.subarray(this.offset, this.offset + n);
      this.advance(n);
      return view;
    }
    const out = new Int16Array(n);
    let filled = 0;
    while (filled < n) {
      const piece = this.pieces[this.head]!;
      const part = Math.min(n - filled, piece.length - this.offset);
      out.set(piece.subarray(this.offset, this.offset + part), filled);
      filled += part;
      this.advance(part);
    }
    return out;
  }

  /** Empties the queue. */
  clear(): void {
    this.pieces = [];
    this.head = 0;
    this.offset = 0;
    this.length = 0;
  }

  private advance(count: number): void {
    this.length -= count;
    this.offset += count;
    const piece = this.pieces[this.head];
    if (piece && this.offset >= piece.length) {
      this.head++;
      this.offset = 0;
      if (this.head === this.pieces.length) {
        this.pieces = [];
        this.head = 0;
      } else if (this.head > 1024) {
        this.pieces = this.pieces.slice(this.head);
        this.head = 0;
      }
    }
  }
}
