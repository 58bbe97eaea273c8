import { crc32 } from 'node:zlib';
import type { SpeechPiece, WordTiming } from '@psrkit/pipeline';
import { pcm16FromBytes, pcm16ToBytes } from '@psrkit/protocol';

/** A whole speech as stored: its pieces in the order the engine gave them. */
export interface CachedSpeech {
  /** Rate of its audio, Hz. */
  readonly sampleRate: number;
  /** Audio and word timings, in order (consecutive audio joined). */
  readonly pieces: readonly SpeechPiece[];
}

const MAGIC = Buffer.from('PSRKTTS1', 'latin1');
const HEADER_BYTES = 56;
const RECORD_HEADER_BYTES = 8;
const AUDIO = 1;
const WORDS = 2;
const ESTIMATED_WORDS = 3;

/**
 * A speech as one file: a header (magic and version, the key it belongs to, the rate, the
 * body's length and CRC-32), then the body — records (kind, length) of audio (PCM16
 * little-endian) and word timings (JSON, a space added to an odd length), in order. Every
 * record starts at an even offset, so audio is read without copying.
 */
export function encodeEntry(key: string, speech: CachedSpeech): Buffer {
  const records = speech.pieces.flatMap((piece) => {
    const kind = piece.type === 'audio' ? AUDIO : piece.estimated ? ESTIMATED_WORDS : WORDS;
    const payload = piece.type === 'audio' ? pcm16ToBytes(piece.samples) : evenJson(piece.words);
    const head = Buffer.alloc(RECORD_HEADER_BYTES);
    head.writeUInt8(kind, 0);
    head.writeUInt32LE(payload.byteLength, 4);
    return [head, payload];
  });
  const body = Buffer.concat(records);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  Buffer.from(key, 'hex').copy(header, 8);
  header.writeUInt32LE(speech.sampleRate, 40);
  header.writeUInt32LE(body.byteLength, 44);
  header.writeUInt32LE(crc32(body), 48);
  return Buffer.concat([header, body]);
}

/** Word timings as JSON bytes of an even length. */
function evenJson(words: readonly WordTiming[]): Buffer {
  const json = Buffer.from(JSON.stringify(words), 'utf8');
  return json.byteLength % 2 === 0 ? json : Buffer.concat([json, Buffer.from(' ')]);
}

/**
 * The speech a file holds, or why it cannot be trusted (then it is a miss): another
 * format, another key or rate, a length that does not match, a checksum that does not
 * match, a record that cannot be read.
 */
export function decodeEntry(file: Buffer, key: string, sampleRate: number): CachedSpeech | string {
  if (file.byteLength < HEADER_BYTES) return `${file.byteLength} bytes, shorter than a header`;
  if (!file.subarray(0, 8).equals(MAGIC)) return 'not a psrkit TTS cache file (magic)';
  if (!file.subarray(8, 40).equals(Buffer.from(key, 'hex'))) return 'written for another key';
  if (file.readUInt32LE(40) !== sampleRate)
    return `audio at ${file.readUInt32LE(40)} Hz, the engine's is ${sampleRate} Hz`;
  const bodyBytes = file.readUInt32LE(44);
  if (file.byteLength !== HEADER_BYTES + bodyBytes)
    return `${file.byteLength} bytes, the header says ${HEADER_BYTES + bodyBytes}`;
  const body = file.subarray(HEADER_BYTES);
  if (crc32(body) !== file.readUInt32LE(48)) return 'checksum mismatch';
  const pieces = decodeRecords(body);
  if (typeof pieces === 'string') return pieces;
  return { sampleRate, pieces };
}

/** The body's records as pieces, or what is wrong with them. */
function decodeRecords(body: Buffer): SpeechPiece[] | string {
  const pieces: SpeechPiece[] = [];
  for (let at = 0; at < body.byteLength; ) {
    const where = `the record at body byte ${at}`;
    if (at + RECORD_HEADER_BYTES > body.byteLength) return `${where} is cut short`;
    const kind = body.readUInt8(at);
    const length = body.readUInt32LE(at + 4);
    const payload = body.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length);
    if (payload.byteLength !== length) return `${where} is cut short`;
    at += RECORD_HEADER_BYTES + length;
    if (kind === AUDIO) {
      if (length % 2 !== 0) return `${where}: audio of an odd length`;
      pieces.push({ type: 'audio', samples: pcm16FromBytes(payload) }); // a view of the file
    } else if (kind === WORDS || kind === ESTIMATED_WORDS) {
      const words = parseWords(payload);
      if (!words) return `${where}: unreadable word timings`;
      pieces.push({ type: 'words', words, estimated: kind === ESTIMATED_WORDS });
    } else return `${where}: unknown kind ${kind}`;
  }
  return pieces;
}

function parseWords(payload: Buffer): WordTiming[] | undefined {
  try {
    const words: unknown = JSON.parse(payload.toString('utf8'));
    return Array.isArray(words) && words.every(isWordTiming) ? words : undefined;
  } catch {
    return undefined;
  }
}

function isWordTiming(word: unknown): word is WordTiming {
  if (typeof word !== 'object' || word === null) return false;
  const { text, startMs, endMs } = word as Record<string, unknown>;
  return typeof text === 'string' && Number.isFinite(startMs) && Number.isFinite(endMs);
}
