import { PipelineError } from './errors.js';

/** What an MPEG audio Layer III frame header says. */
export interface Mp3FrameHeader {
  /** 1, 2 or 2.5 (MPEG-2.5: 8, 11.025, 12 kHz). */
  readonly version: 1 | 2 | 2.5;
  /** Bitrate of this frame, kbps. */
  readonly bitrateKbps: number;
  /** Sample rate, Hz. */
  readonly sampleRate: number;
  /** 1 for mono, 2 for stereo, joint stereo or dual channel. */
  readonly channels: 1 | 2;
  /** Whether the frame carries one byte of padding. */
  readonly padding: boolean;
  /** Bytes in the whole frame, header included. */
  readonly frameLength: number;
  /** 1152 (MPEG-1) or 576 (MPEG-2 and 2.5). */
  readonly samplesPerFrame: number;
}

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES = {
  1: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  2.5: [11025, 12000, 8000],
} as const;

/** Bytes in an MPEG Layer III header. */
export const MP3_HEADER_BYTES = 4;

/**
 * Parses the 4-byte header of an MPEG audio Layer III frame at `offset`.
 *
 * @throws {PipelineError} `INVALID_MP3` naming the offset and the field that is wrong
 *   (no sync word, reserved version, not Layer III, free or bad bitrate, bad sample rate)
 */
export function parseMp3FrameHeader(bytes: Uint8Array, offset = 0): Mp3FrameHeader {
  const where = `mp3@${offset}`;
  if (offset + MP3_HEADER_BYTES > bytes.length)
    throw new PipelineError('INVALID_MP3', 'truncated frame header', { where: where });
  const b1 = bytes[offset + 1]!;
  const b2 = bytes[offset + 2]!;
  const b3 = bytes[offset + 3]!;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0)
    throw new PipelineError('INVALID_MP3', 'no frame sync word', { where: where });
  const versionBits = (b1 >> 3) & 0x03;
  if (versionBits === 1)
    throw new PipelineError('INVALID_MP3', 'reserved MPEG version', { where: where });
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  if (((b1 >> 1) & 0x03) !== 1)
    throw new PipelineError('INVALID_MP3', 'not Layer III', { where: where });
  const bitrateIndex = b2 >> 4;
  if (bitrateIndex === 0 || bitrateIndex === 15) {
    throw new PipelineError(
      'INVALID_MP3',
      bitrateIndex === 0 ? 'free-format bitrate is not supported' : 'bad bitrate index',
      { where: where },
    );
  }
  const rateIndex = (b2 >> 2) & 0x03;
  if (rateIndex === 3)
    throw new PipelineError('INVALID_MP3', 'reserved sample rate index', { where: where });
  const bitrateKbps = (version === 1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex]!;
  const sampleRate = SAMPLE_RATES[version][rateIndex]!;
  const padding = ((b2 >> 1) & 1) === 1;
  const samplesPerFrame = version === 1 ? 1152 : 576;
  const frameLength =
    Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0);
  return {
    version,
    bitrateKbps,
    sampleRate,
    channels: b3 >> 6 === 3 ? 1 : 2,
    padding,
    frameLength,
    samplesPerFrame,
  };
}

/**
 * Splits a byte string into whole MP3 frames, in order.
 *
 * @returns the frames and the count of bytes left over at the end (a partial frame)
 * @throws {PipelineError} `INVALID_MP3` when a frame does not start where the previous one ended
 */
export function splitMp3Frames(bytes: Uint8Array): { frames: Uint8Array[]; rest: number } {
  const frames: Uint8Array[] = [];
  let offset = 0;
  while (offset + MP3_HEADER_BYTES <= bytes.length) {
    const { frameLength } = parseMp3FrameHeader(bytes, offset);
    if (offset + frameLength > bytes.length) break;
    frames.push(bytes.subarray(offset, offset + frameLength));
    offset += frameLength;
  }
  return { frames, rest: bytes.length - offset };
}
