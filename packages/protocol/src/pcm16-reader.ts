/**
 * Little-endian signed 16-bit PCM read from bytes that arrive in pieces of any length (an
 * HTTP body's chunks, the base64 payloads of a WebSocket stream): a sample whose two bytes
 * fall in two pieces is joined, never lost or shifted.
 *
 * @example
 * ```ts
 * const reader = createPcm16Reader();
 * reader.push(Uint8Array.of(0x01, 0x00, 0x34)); // Int16Array [1]; 0x34 held back
 * reader.push(Uint8Array.of(0x12)); // Int16Array [0x1234]
 * reader.pending; // 0: the stream may end here
 * ```
 */
export interface Pcm16Reader {
  /**
   * The whole samples `bytes` completes (a new array, never sharing memory with `bytes`);
   * an odd byte left over waits for the next piece.
   */
  push(bytes: Uint8Array): Int16Array;
  /** Bytes held back (0 or 1): 1 when the stream ends means it ended mid-sample. */
  readonly pending: number;
}

/** Creates a {@link Pcm16Reader} with nothing held back. */
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
