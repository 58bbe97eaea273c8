/** A growable mono PCM track written at sample positions (silence where nothing was written). */
export class PcmTape {
  private data = new Int16Array(8000 * 30);
  /** One past the last sample written. */
  length = 0;

  write(at: number, samples: Int16Array): void {
    this.reserve(at + samples.length);
    this.data.set(samples, at);
    this.length = Math.max(this.length, at + samples.length);
  }

  /** Adds `samples` to what is there from `at` (clipped to 16 bits): two sounds at once. */
  mix(at: number, samples: Int16Array): void {
    this.reserve(at + samples.length);
    for (let i = 0; i < samples.length; i++) {
      const sum = this.data[at + i]! + samples[i]!;
      this.data[at + i] = sum > 32767 ? 32767 : sum < -32768 ? -32768 : sum;
    }
    this.length = Math.max(this.length, at + samples.length);
  }

  /** Silences [from, to). */
  clear(from: number, to: number): void {
    if (from < this.length) this.data.fill(0, from, Math.min(to, this.length));
  }

  /** A copy of [from, from + count), silence past the end. */
  read(from: number, count: number): Int16Array {
    const out = new Int16Array(count);
    if (from < this.length) out.set(this.data.subarray(from, Math.min(from + count, this.length)));
    return out;
  }

  private reserve(size: number): void {
    if (size <= this.data.length) return;
    const grown = new Int16Array(Math.max(size, this.data.length * 2));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
}
