/**
 * Little-endian 16-bit PCM read from bytes that arrive in pieces of any length (an HTTP
 * body's chunks): a sample split over two pieces is joined, never lost or shifted.
 */
export interface Pcm16Reader {
  /** The whole samples `bytes` completes; an odd byte left over waits for the next piece. */
  push(bytes: Uint8Array): Int16Array;
  /** Bytes held back (0 or 1): 1 when the stream ends means it ended mid-sample. */
  readonly pending: number;
}

/** Creates a {@link Pcm16Reader}. */
export function createPcm16Reader(): Pcm16Reader {
  let carry: number | undefined;
  return {
    push(bytes) {
      const held = carry === undefined ? 0 : 1;
      const total = held + bytes.length;
      const samples = new Int16Array(total >> 1);
      const byteAt = (i: number) => (i < held ? carry! : bytes[i - held]!);
      for (let n = 0; n < samples.length; n++) {
        const word = byteAt(2 * n) | (byteAt(2 * n + 1) << 8);
        samples[n] = word > 0x7fff ? word - 0x10000 : word;
      }
      carry = total % 2 === 1 ? byteAt(total - 1) : undefined;
      return samples;
    },
    get pending() {
      return carry === undefined ? 0 : 1;
    },
  };
}
