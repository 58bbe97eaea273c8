import { decodeBase64, encodeBase64 } from './base64.js';
import { ProtocolError } from './errors.js';
import { checkIdentifier } from './identifiers.js';
import {
  collectExtraFields,
  describeType,
  type JsonObject,
  parseJsonObject,
  readEnum,
  requireField,
  requireObject,
  requireString,
} from './json-fields.js';
import { pcm16FromBytes, pcm16ToBytes } from './pcm16.js';

/** Which side(s) of the call a stream carries. */
export type PsrChannel = 'stereo' | 'mono_a' | 'mono_b';
/** Every channel layout PSR announces. */
export const PSR_CHANNELS: readonly PsrChannel[] = ['stereo', 'mono_a', 'mono_b'];

/** Sample rate of every PSR audio stream, in Hz. */
export const PSR_SAMPLE_RATE = 8000;

/** Default upper bound for one decoded `media` payload (about 32 s of stereo audio). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/** What every event PSR sends carries. */
export interface PsrEventBase {
  /** Milliseconds since the Unix epoch, as PSR stamped the event. */
  readonly timestamp: number;
  /** The `call_id` of the call the event belongs to. */
  readonly callId: string;
  /** Which side(s) of the call the stream carries. */
  readonly channel: PsrChannel;
  /** JSON paths of fields the contract does not define (tolerated; report them). */
  readonly extraFields?: readonly string[];
}

/** The call is up. */
export interface ConnectedEvent extends PsrEventBase {
  /** Discriminant: `connected`. */
  readonly type: 'connected';
}

/** A piece of call audio: signed 16-bit PCM at 8000 Hz; stereo is interleaved A,B. */
export interface MediaEvent extends PsrEventBase {
  /** Discriminant: `media`. */
  readonly type: 'media';
  /** The payload's little-endian bytes. */
  readonly payload: Uint8Array;
  /** The same audio as samples (a view of `payload` where alignment allows). */
  readonly samples: Int16Array;
}

/** The call ended. */
export interface ClosedEvent extends PsrEventBase {
  /** Discriminant: `closed`. */
  readonly type: 'closed';
}

/** An `event` name this version does not know; kept whole so callers can log and count it. */
export interface UnknownEvent {
  /** Discriminant: `unknown`. */
  readonly type: 'unknown';
  /** The `event` value as sent. */
  readonly event: string;
  /** The whole frame, parsed, for logging and counting. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** An event PSR sends, as the contract defines it. */
export type PsrEvent = ConnectedEvent | MediaEvent | ClosedEvent;
/** What {@link decodeEvent} returns: a known event or an unknown one. */
export type DecodedPsrEvent = PsrEvent | UnknownEvent;

/** Options of {@link decodeEvent}. */
export interface DecodeEventOptions {
  /** Largest decoded `media` payload accepted, in bytes (default 1 MiB). */
  readonly maxPayloadBytes?: number;
}

const TOP_FIELDS = ['timestamp', 'event', 'media', 'data'];
const MEDIA_FIELDS = ['payload'];
const DATA_FIELDS = ['call_id', 'channel'];

/**
 * Decodes one PSR → server text frame.
 *
 * @example
 * ```ts
 * const event = decodeEvent(frame);
 * if (event.type === 'media') handle(event.samples);
 * ```
 * @param frame - the frame's text, or its UTF-8 bytes
 * @throws {ProtocolError} with the path of the offending field when the frame breaks the contract
 */
export function decodeEvent(
  frame: string | Uint8Array,
  options: DecodeEventOptions = {},
): DecodedPsrEvent {
  const root = parseJsonObject(frame);
  const name = requireString(root, 'event', '$');
  if (name !== 'connected' && name !== 'media' && name !== 'closed') {
    return { type: 'unknown', event: name, raw: root };
  }
  const timestamp = readTimestamp(root);
  const data = requireObject(root, 'data', '$');
  const callId = checkIdentifier(requireString(data, 'call_id', '$.data'), '$.data.call_id');
  const channel = readEnum(data, 'channel', '$.data', PSR_CHANNELS);
  const extra: string[] = [];
  collectExtraFields(root, TOP_FIELDS, '$', extra);
  collectExtraFields(data, DATA_FIELDS, '$.data', extra);

  if (name !== 'media') {
    const event: ConnectedEvent | ClosedEvent = { type: name, timestamp, callId, channel };
    return extra.length === 0 ? event : { ...event, extraFields: extra };
  }
  const media = requireObject(root, 'media', '$');
  collectExtraFields(media, MEDIA_FIELDS, '$.media', extra);
  const payload = decodeBase64(
    requireString(media, 'payload', '$.media'),
    '$.media.payload',
    options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
  );
  const samples = pcm16FromBytes(payload, '$.media.payload');
  const event: MediaEvent = { type: 'media', timestamp, callId, channel, payload, samples };
  return extra.length === 0 ? event : { ...event, extraFields: extra };
}

function readTimestamp(root: JsonObject): number {
  const value = requireField(root, 'timestamp', '$');
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ProtocolError(
      'INVALID_FIELD',
      `expected milliseconds since the epoch (a non-negative number), got ${typeof value === 'number' ? value : describeType(value)}`,
      { path: '$.timestamp' },
    );
  }
  return value;
}

/**
 * Encodes an event as PSR sends it (the emulator's side).
 *
 * @example
 * ```ts
 * socket.send(encodeEvent(mediaEvent({ callId, channel: 'mono_a', samples })));
 * ```
 */
export function encodeEvent(event: PsrEvent): string {
  const head = `{"timestamp":${event.timestamp},"event":"${event.type}"`;
  const data = `"data":{"call_id":${JSON.stringify(event.callId)},"channel":"${event.channel}"}}`;
  if (event.type === 'media') {
    return `${head},"media":{"payload":"${encodeBase64(event.payload)}"},${data}`;
  }
  return `${head},${data}`;
}

/** What `connectedEvent`, `mediaEvent` and `closedEvent` need. */
export interface PsrEventInit {
  /** The `call_id` to stamp. */
  readonly callId: string;
  /** The channel layout to announce. */
  readonly channel: PsrChannel;
  /** Defaults to `Date.now()`. */
  readonly timestamp?: number;
}

/** Builds a `connected` event. */
export function connectedEvent(init: PsrEventInit): ConnectedEvent {
  return { type: 'connected', ...eventBase(init) };
}

/** Builds a `closed` event. */
export function closedEvent(init: PsrEventInit): ClosedEvent {
  return { type: 'closed', ...eventBase(init) };
}

/** Builds a `media` event carrying `samples` (interleaved A,B for stereo). */
export function mediaEvent(init: PsrEventInit & { readonly samples: Int16Array }): MediaEvent {
  if (init.channel === 'stereo' && init.samples.length % 2 !== 0) {
    throw new ProtocolError(
      'INVALID_FIELD',
      'stereo audio needs an even number of samples (A,B pairs)',
      { path: '$.media.payload' },
    );
  }
  return {
    type: 'media',
    ...eventBase(init),
    payload: pcm16ToBytes(init.samples),
    samples: init.samples,
  };
}

function eventBase(init: PsrEventInit): { timestamp: number; callId: string; channel: PsrChannel } {
  return {
    timestamp: init.timestamp ?? Date.now(),
    callId: checkIdentifier(init.callId, '$.data.call_id'),
    channel: init.channel,
  };
}
