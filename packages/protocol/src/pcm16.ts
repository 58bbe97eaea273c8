import { ProtocolError } from './errors.js';

/** True on little-endian hosts (every platform Node ships for today). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Views little-endian signed 16-bit PCM bytes as samples.
 *
 * Zero-copy when the bytes sit at an even offset on a little-endian host; a copy
 * otherwise. The result shares memory with `bytes` in the zero-copy case.
 *
 * @throws {ProtocolError} `ODD_PCM_LENGTH` when the byte count is odd
 */
export function pcm16FromBytes(bytes: Uint8Array, path = '$'): Int16Array {
  if (bytes.byteLength % 2 !== 0) {
    throw new ProtocolError(
      'ODD_PCM_LENGTH',
      `PCM16 payload has ${bytes.byteLength} bytes; 16-bit samples need an even count`,
      { path: path },
    );
  }
  if (HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) {
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  }
  const samples = new Int16Array(bytes.byteLength / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true);
  return samples;
}

/** Little-endian bytes of PCM16 samples (zero-copy on little-endian hosts). */
export function pcm16ToBytes(samples: Int16Array): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN)
    return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i]!, true);
  return bytes;
}

/** Joins PCM pieces into one array (e.g. what a TTS stream emitted). */
export function concatPcm(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Interleaves two mono tracks into stereo (A left, B right), `frames` long (default: the
 * longer track); a side that is shorter is silent for the rest.
 */
export function interleaveStereo(
  left: Int16Array,
  right: Int16Array,
  frames = Math.max(left.length, right.length),
): Int16Array {
  const stereo = new Int16Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    stereo[2 * i] = left[i] ?? 0;
    stereo[2 * i + 1] = right[i] ?? 0;
  }
  return stereo;
}
