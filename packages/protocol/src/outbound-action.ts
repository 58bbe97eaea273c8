import { decodeBase64, encodeBase64 } from './base64.js';
import { ProtocolError } from './errors.js';
import { checkExtension } from './identifiers.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './inbound-event.js';
import {
  collectExtraFields,
  parseJsonObject,
  readBoolean,
  readEnum,
  requireObject,
  requireString,
} from './json-fields.js';

/** Audio format of a `chunk` action: MP3 frames, or raw PCM16 that PSR encodes itself. */
export type ChunkFormat = 'mp3' | 'pcm16';
/** Every chunk format PSR plays. */
export const CHUNK_FORMATS: readonly ChunkFormat[] = ['mp3', 'pcm16'];

/** Play a whole WAV file (16-bit, 8000 Hz). */
export interface MediaAction {
  /** Discriminant: `media`. */
  readonly type: 'media';
  /** The complete WAV file. */
  readonly payload: Uint8Array;
  /** `true`: queue after what is playing; `false`: cut what is playing. */
  readonly isSync: boolean;
  /** JSON paths of fields the contract does not define (decoding only). */
  readonly extraFields?: readonly string[];
}

/** Play a streamed piece of audio. */
export interface ChunkAction {
  /** Discriminant: `chunk`. */
  readonly type: 'chunk';
  /** The chunk's bytes: MP3 frames, or 16-bit little-endian PCM at 8 kHz. */
  readonly payload: Uint8Array;
  /** How `payload` is encoded. */
  readonly format: ChunkFormat;
  /** JSON paths of fields the contract does not define (decoding only). */
  readonly extraFields?: readonly string[];
}

/** Transfer the call to an extension. */
export interface TransferAction {
  /** Discriminant: `transfer`. */
  readonly type: 'transfer';
  /** The transfer target: 1–64 characters of digits, letters, `* # + . _ -`. */
  readonly extension: string;
  /** JSON paths of fields the contract does not define (decoding only). */
  readonly extraFields?: readonly string[];
}

/** End the call. */
export interface HangupAction {
  /** Discriminant: `hangup`. */
  readonly type: 'hangup';
  /** JSON paths of fields the contract does not define (decoding only). */
  readonly extraFields?: readonly string[];
}

/** An action whose `event` the contract does not define (e.g. the misspelt `tranfer`). */
export interface UnknownAction {
  /** Discriminant: `unknown`. */
  readonly type: 'unknown';
  /** The `event` value as sent. */
  readonly event: string;
  /** The whole frame, parsed, for logging and counting. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** An action a server sends to PSR. */
export type PsrAction = MediaAction | ChunkAction | TransferAction | HangupAction;
/** What {@link decodeAction} returns. */
export type DecodedPsrAction = PsrAction | UnknownAction;

/** Builds a `media` action; `isSync` defaults to `false` (the contract's default). */
export function mediaAction(
  wav: Uint8Array,
  options: { readonly isSync?: boolean } = {},
): MediaAction {
  if (wav.byteLength === 0)
    throw new ProtocolError('INVALID_FIELD', 'a media action needs a WAV file', {
      path: '$.media.payload',
    });
  return { type: 'media', payload: wav, isSync: options.isSync ?? false };
}

/** Builds a `chunk` action; `format` defaults to `mp3`. */
export function chunkAction(
  payload: Uint8Array,
  options: { readonly format?: ChunkFormat } = {},
): ChunkAction {
  const format = options.format ?? 'mp3';
  if (payload.byteLength === 0)
    throw new ProtocolError('INVALID_FIELD', 'a chunk needs audio', { path: '$.media.payload' });
  if (format === 'pcm16' && payload.byteLength % 2 !== 0) {
    throw new ProtocolError(
      'ODD_PCM_LENGTH',
      `pcm16 chunk has ${payload.byteLength} bytes; 16-bit samples need an even count`,
      { path: '$.media.payload' },
    );
  }
  return { type: 'chunk', payload, format };
}

/** Builds a `transfer` action; the extension is checked (see {@link checkExtension}). */
export function transferAction(extension: string): TransferAction {
  return { type: 'transfer', extension: checkExtension(extension) };
}

/** Builds a `hangup` action. */
export function hangupAction(): HangupAction {
  return { type: 'hangup' };
}

/**
 * Encodes an action as the JSON text frame PSR expects.
 *
 * Optional fields are always written out (`is_sync` on `media`, `format` on `chunk`),
 * so the frame never depends on PSR's defaults. Field order follows the vendor's examples.
 *
 * @example
 * ```ts
 * encodeAction(transferAction('101')); // {"event":"transfer","data":{"extension":"101"}}
 * ```
 */
export function encodeAction(action: PsrAction): string {
  switch (action.type) {
    case 'media':
      return `{"event":"media","media":{"payload":"${encodeBase64(action.payload)}","is_sync":${action.isSync}}}`;
    case 'chunk':
      return `{"event":"chunk","media":{"payload":"${encodeBase64(action.payload)}","format":"${action.format}"}}`;
    case 'transfer':
      return `{"event":"transfer","data":{"extension":${JSON.stringify(action.extension)}}}`;
    case 'hangup':
      return '{"event":"hangup"}';
  }
}

/** Options of {@link decodeAction}. */
export interface DecodeActionOptions {
  /** Largest decoded payload accepted, in bytes (default 1 MiB). */
  readonly maxPayloadBytes?: number;
}

/**
 * Decodes and checks one server → PSR text frame (the emulator's side).
 *
 * Checks the JSON shape, base64, `format`, `is_sync` and the extension. Whether a
 * payload is a proper WAV or MP3 is checked by the callers that play it.
 *
 * @throws {ProtocolError} with the path of the offending field
 */
export function decodeAction(
  frame: string | Uint8Array,
  options: DecodeActionOptions = {},
): DecodedPsrAction {
  const root = parseJsonObject(frame);
  const name = requireString(root, 'event', '$');
  const maxBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const extra: string[] = [];
  let action: PsrAction;
  switch (name) {
    case 'media': {
      collectExtraFields(root, ['event', 'media'], '$', extra);
      const media = requireObject(root, 'media', '$');
      collectExtraFields(media, ['payload', 'is_sync'], '$.media', extra);
      const payload = decodeBase64(
        requireString(media, 'payload', '$.media'),
        '$.media.payload',
        maxBytes,
      );
      action = mediaAction(payload, { isSync: readBoolean(media, 'is_sync', '$.media', false) });
      break;
    }
    case 'chunk': {
      collectExtraFields(root, ['event', 'media'], '$', extra);
      const media = requireObject(root, 'media', '$');
      collectExtraFields(media, ['payload', 'format'], '$.media', extra);
      const payload = decodeBase64(
        requireString(media, 'payload', '$.media'),
        '$.media.payload',
        maxBytes,
      );
      action = chunkAction(payload, {
        format: readEnum(media, 'format', '$.media', CHUNK_FORMATS, 'mp3'),
      });
      break;
    }
    case 'transfer': {
      collectExtraFields(root, ['event', 'data'], '$', extra);
      const data = requireObject(root, 'data', '$');
      collectExtraFields(data, ['extension'], '$.data', extra);
      action = transferAction(requireString(data, 'extension', '$.data'));
      break;
    }
    case 'hangup':
      collectExtraFields(root, ['event'], '$', extra);
      action = hangupAction();
      break;
    default:
      return { type: 'unknown', event: name, raw: root };
  }
  return extra.length === 0 ? action : { ...action, extraFields: extra };
}
