import { ProtocolError } from './errors.js';
import { HOST_IS_LITTLE_ENDIAN } from './pcm16.js';

/** Interleaved 16-bit audio with its rate and channel count. */
export interface PcmAudio {
  /** Samples per second, per channel. */
  readonly sampleRate: number;
  /** Interleaved channels (1 or 2 in practice). */
  readonly channels: number;
  /** Interleaved samples: `channels` values per frame. */
  readonly samples: Int16Array;
}

/** How the samples were stored in the file that was read. */
export type WavEncoding = 'pcm' | 'float' | 'alaw' | 'ulaw';

/** A WAV file as read: the audio as 16-bit PCM, and how it was stored. */
export interface DecodedWav extends PcmAudio {
  /** How the file stored its samples (converted to 16-bit PCM here). */
  readonly encoding: WavEncoding;
  /** Bits per sample as stored (8, 16, 24, 32 or 64). */
  readonly bitsPerSample: number;
  /** Number of sample frames (samples per channel). */
  readonly frames: number;
}

/** Options of {@link decodeWav}. */
export interface DecodeWavOptions {
  /** Read what is there when the data chunk claims more bytes than the file has. */
  readonly allowTruncated?: boolean;
}

/** Size of the header {@link encodeWav} writes. */
export const WAV_HEADER_BYTES = 44;

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_ALAW = 6;
const FORMAT_ULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
const MAX_SAMPLE_RATE = 1_536_000;
const MAX_CHANNELS = 64;
const UNKNOWN_SIZE = 0xffffffff;

/**
 * Writes the 44-byte header of a 16-bit PCM WAV file holding `dataBytes` of samples.
 * Used on its own to write files incrementally (write a header, append, rewrite it).
 */
export function encodeWavHeader(
  sampleRate: number,
  channels: number,
  dataBytes: number,
): Uint8Array {
  checkFormat(sampleRate, channels);
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  writeTag(header, 0, 'RIFF');
  view.setUint32(4, Math.min(36 + dataBytes, UNKNOWN_SIZE), true);
  writeTag(header, 8, 'WAVE');
  writeTag(header, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  writeTag(header, 36, 'data');
  view.setUint32(40, Math.min(dataBytes, UNKNOWN_SIZE), true);
  return header;
}

/**
 * Writes a complete 16-bit PCM WAV file.
 *
 * @example
 * ```ts
 * const wav = encodeWav({ sampleRate: 8000, channels: 1, samples });
 * ```
 */
export function encodeWav(audio: PcmAudio): Uint8Array {
  const { sampleRate, channels, samples } = audio;
  checkFormat(sampleRate, channels);
  if (samples.length % channels !== 0) {
    throw new ProtocolError(
      'INVALID_WAV',
      `${samples.length} samples do not divide into ${channels} channels`,
      { path: 'wav' },
    );
  }
  const file = new Uint8Array(WAV_HEADER_BYTES + samples.length * 2);
  file.set(encodeWavHeader(sampleRate, channels, samples.length * 2), 0);
  if (HOST_IS_LITTLE_ENDIAN) {
    file.set(
      new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength),
      WAV_HEADER_BYTES,
    );
  } else {
    const view = new DataView(file.buffer);
    for (let i = 0; i < samples.length; i++)
      view.setInt16(WAV_HEADER_BYTES + i * 2, samples[i]!, true);
  }
  return file;
}

function checkFormat(sampleRate: number, channels: number): void {
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > MAX_SAMPLE_RATE) {
    throw new ProtocolError(
      'INVALID_WAV',
      `sample rate ${sampleRate} is not a whole number of Hz from 1 to ${MAX_SAMPLE_RATE}`,
      { path: 'wav' },
    );
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
    throw new ProtocolError(
      'INVALID_WAV',
      `channel count ${channels} is not from 1 to ${MAX_CHANNELS}`,
      { path: 'wav' },
    );
  }
}

function writeTag(bytes: Uint8Array, offset: number, tag: string): void {
  for (let i = 0; i < 4; i++) bytes[offset + i] = tag.charCodeAt(i);
}

function readTag(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(
    bytes[offset]!,
    bytes[offset + 1]!,
    bytes[offset + 2]!,
    bytes[offset + 3]!,
  );
}

interface FmtChunk {
  encoding: WavEncoding;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
}

function invalid(offset: number, message: string): ProtocolError {
  return new ProtocolError('INVALID_WAV', message, { path: `wav@${offset}` });
}

/**
 * Reads a WAV file of any common flavour into 16-bit samples.
 *
 * RIFF chunks may come in any order; unknown chunks (LIST, fact, cue, …) are skipped;
 * odd-sized chunks are padded as RIFF requires. Supported: integer PCM 8/16/24/32-bit,
 * IEEE float 32/64-bit, G.711 A-law and µ-law, each plain or `WAVE_FORMAT_EXTENSIBLE`.
 * A trailing partial sample frame is dropped. A data size of `0xFFFFFFFF` (written by
 * streaming recorders) means "up to the end of the file".
 *
 * @throws {ProtocolError} `INVALID_WAV`, with the byte offset of the problem as `wav@N`
 */
export function decodeWav(bytes: Uint8Array, options: DecodeWavOptions = {}): DecodedWav {
  if (bytes.byteLength < 12)
    throw invalid(0, `${bytes.byteLength} bytes is too short for a WAV file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riff = readTag(bytes, 0);
  if (riff !== 'RIFF') {
    throw invalid(
      0,
      riff === 'RIFX' || riff === 'RF64'
        ? `${riff} files are not supported; convert to RIFF`
        : 'not a WAV file: no RIFF tag',
    );
  }
  if (readTag(bytes, 8) !== 'WAVE') throw invalid(8, 'not a WAV file: RIFF form is not WAVE');

  let fmt: FmtChunk | undefined;
  let data: { offset: number; length: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = readTag(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    const available = bytes.byteLength - body;
    if (id === 'data') {
      let length = size;
      if (size > available) {
        if (size !== UNKNOWN_SIZE && !options.allowTruncated) {
          throw invalid(
            offset,
            `truncated: the data chunk declares ${size} bytes but only ${available} follow`,
          );
        }
        length = available;
      }
      data = { offset: body, length };
    } else if (id === 'fmt ') {
      if (size > available)
        throw invalid(
          offset,
          `truncated: the fmt chunk declares ${size} bytes but only ${available} follow`,
        );
      fmt = readFmt(view, body, size);
    } else if (size > available) {
      if (fmt && data) break; // truncated trailing metadata: the audio is complete
      throw invalid(
        offset,
        `truncated: chunk ${JSON.stringify(id)} declares ${size} bytes but only ${available} follow`,
      );
    }
    offset = body + size + (size % 2);
  }
  if (!fmt) throw invalid(12, 'no fmt chunk');
  if (!data) throw invalid(12, 'no data chunk');

  const frames = Math.floor(data.length / fmt.blockAlign);
  const samples = convertSamples(bytes, view, data.offset, frames * fmt.channels, fmt);
  return {
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    samples,
    encoding: fmt.encoding,
    bitsPerSample: fmt.bitsPerSample,
    frames,
  };
}

function readFmt(view: DataView, at: number, size: number): FmtChunk {
  if (size < 16) throw invalid(at - 8, `fmt chunk is ${size} bytes; at least 16 are needed`);
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40)
      throw invalid(at, `WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes; 40 are needed`);
    tag = view.getUint16(at + 24, true); // first two bytes of the sub-format GUID
  }
  const encoding = (
    {
      [FORMAT_PCM]: 'pcm',
      [FORMAT_FLOAT]: 'float',
      [FORMAT_ALAW]: 'alaw',
      [FORMAT_ULAW]: 'ulaw',
    } as const
  )[tag as 1 | 3 | 6 | 7];
  if (!encoding)
    throw invalid(
      at,
      `format tag 0x${tag.toString(16)} is not supported (PCM, float, A-law, µ-law are)`,
    );
  const supportedBits = { pcm: [8, 16, 24, 32], float: [32, 64], alaw: [8], ulaw: [8] }[encoding];
  if (!supportedBits.includes(bitsPerSample)) {
    throw invalid(
      at + 14,
      `${bitsPerSample}-bit ${encoding} is not supported (${supportedBits.join('/')}-bit is)`,
    );
  }
  if (channels < 1 || channels > MAX_CHANNELS)
    throw invalid(at + 2, `channel count ${channels} is not from 1 to ${MAX_CHANNELS}`);
  if (sampleRate < 1 || sampleRate > MAX_SAMPLE_RATE)
    throw invalid(at + 4, `sample rate ${sampleRate} Hz is out of range`);
  if (blockAlign !== (channels * bitsPerSample) / 8) {
    throw invalid(
      at + 12,
      `block align ${blockAlign} does not match ${channels} channels of ${bitsPerSample} bits`,
    );
  }
  return { encoding, channels, sampleRate, bitsPerSample, blockAlign };
}

function convertSamples(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  count: number,
  fmt: FmtChunk,
): Int16Array {
  const out = new Int16Array(count);
  const { encoding, bitsPerSample } = fmt;
  if (encoding === 'pcm' && bitsPerSample === 16) {
    if (HOST_IS_LITTLE_ENDIAN) {
      // Copy first: `bytes` may be a Buffer (whose slice shares memory) at an odd offset.
      const copy = new Uint8Array(count * 2);
      copy.set(bytes.subarray(start, start + count * 2));
      out.set(new Int16Array(copy.buffer));
    } else {
      for (let i = 0; i < count; i++) out[i] = view.getInt16(start + i * 2, true);
    }
  } else if (encoding === 'pcm' && bitsPerSample === 8) {
    for (let i = 0; i < count; i++) out[i] = (bytes[start + i]! - 128) << 8;
  } else if (encoding === 'pcm' && bitsPerSample === 24) {
    for (let i = 0; i < count; i++) {
      const at = start + i * 3;
      const value = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) << 8; // sign-extend via <<8
      out[i] = clamp16(Math.round(value / 65536));
    }
  } else if (encoding === 'pcm') {
    for (let i = 0; i < count; i++)
      out[i] = clamp16(Math.round(view.getInt32(start + i * 4, true) / 65536));
  } else if (encoding === 'float') {
    const step = bitsPerSample / 8;
    for (let i = 0; i < count; i++) {
      const value =
        step === 4 ? view.getFloat32(start + i * 4, true) : view.getFloat64(start + i * 8, true);
      out[i] = Number.isNaN(value) ? 0 : clamp16(Math.round(value * 32768));
    }
  } else {
    const expand = encoding === 'alaw' ? alawToLinear : ulawToLinear;
    for (let i = 0; i < count; i++) out[i] = expand(bytes[start + i]!);
  }
  return out;
}

function clamp16(value: number): number {
  return Math.min(32767, Math.max(-32768, value));
}

/** G.711 A-law byte → 16-bit linear sample. */
function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude =
    exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  if (magnitude > 32767) magnitude = 32767;
  return a & 0x80 ? magnitude : -magnitude;
}

/** G.711 µ-law byte → 16-bit linear sample. */
function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}
