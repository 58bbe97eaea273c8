import { decodeBase64, pcm16FromBytes } from '@psrkit/protocol';

/**
 * Mono 16-bit little-endian PCM that arrives as base64 pieces, as samples: a sample whose
 * two bytes fall in two pieces is put together from both.
 */
export class PcmChunks {
  #carry: number | undefined;

  /**
   * The whole samples of one more piece.
   * @throws {ProtocolError} when the piece is not strict base64
   */
  push(base64: string): Int16Array {
    let bytes = decodeBase64(base64, '$.data');
    if (this.#carry !== undefined) {
      const joined = new Uint8Array(bytes.length + 1);
      joined[0] = this.#carry;
      joined.set(bytes, 1);
      bytes = joined;
      this.#carry = undefined;
    }
    if (bytes.length % 2 === 1) {
      this.#carry = bytes[bytes.length - 1];
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    return pcm16FromBytes(bytes);
  }
}
