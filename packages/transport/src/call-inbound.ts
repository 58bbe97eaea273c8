import type { AudioFrame, CallSide } from '@psrkit/pipeline';
import {
  type ConnectionQuery,
  DEFAULT_MAX_PAYLOAD_BYTES,
  type DecodedPsrEvent,
  decodeEvent,
  isProtocolError,
  type PsrChannel,
} from '@psrkit/protocol';
import type { SchedulerLike } from 'rxjs';
import type { CallStats, StatsUpdate } from './call-stats.js';
import type { CallEvent, CallOptions } from './call-types.js';
import { checkOption, type FrameErrorCode } from './errors.js';
import { InboundAudio } from './inbound-audio.js';
import { logText } from './log-text.js';
import type { TransportLogger } from './logger.js';
import { PeerReports } from './peer-reports.js';
import { parseRemoteSide, REMOTE_SIDE_PARAM } from './remote-side.js';

/** A call's defaults (what `createCall` uses when an option is left out). */
export const CALL_DEFAULTS = { maxMediaFrameMs: 1000, maxAudioAheadMs: 2000 } as const;

export interface CallInboundInit {
  readonly query: ConnectionQuery;
  readonly options: CallOptions;
  readonly logger: TransportLogger;
  readonly scheduler: SchedulerLike;
  /** The call's own stats (read for the audio received so far). */
  readonly stats: CallStats;
  /** Counts a change in the call's stats and the server's totals. */
  readonly count: (update: StatsUpdate) => void;
  readonly emit: (event: CallEvent) => void;
  /** Where the caller's audio goes, a frame at a time (the call's inbound stages). */
  readonly toBot: (frame: AudioFrame) => void;
  /** PSR said the call is over. */
  readonly onClosed: () => void;
}

/** What a call's inbound side offers the rest of the call. */
export interface CallInbound {
  /** Takes one WebSocket message from PSR. Never throws for what the peer sent. */
  receive(data: string | Uint8Array, isBinary: boolean): void;
  /** Hands the audio still held in the framer to the bot (at the call's end). */
  flush(): void;
  /** The channel layout PSR announced, once it has. */
  readonly channel: PsrChannel | undefined;
  /** The side a stereo call's caller is on: the call's valid `remote_side`, else the server's, else `a`. */
  readonly stereoRemoteSide: CallSide;
}

/** One frame from PSR, read: an event, or why it is refused. */
export type ReadFrame =
  | { readonly ok: true; readonly event: DecodedPsrEvent; readonly text: string }
  | {
      readonly ok: false;
      readonly code: FrameErrorCode;
      readonly message: string;
      readonly path?: string;
      readonly cause?: unknown;
    };

/** Reads one WebSocket message from PSR: a JSON text frame that decodes to an event. */
export function readFrame(
  data: string | Uint8Array,
  isBinary: boolean,
  maxPayloadBytes: number,
): ReadFrame {
  if (isBinary)
    return { ok: false, code: 'BINARY_FRAME', message: 'binary frame: PSR sends JSON text frames' };
  if (typeof data !== 'string')
    return { ok: false, code: 'INVALID_UTF8', message: 'text frame that is not valid UTF-8' };
  try {
    return { ok: true, event: decodeEvent(data, { maxPayloadBytes }), text: data };
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    const { code, message, path } = error;
    return { ok: false, code, message, ...(path !== undefined && { path }), cause: error };
  }
}

/**
 * The inbound side of one call: decodes and checks every frame from PSR (bad ones become
 * `frame-error` events, logged within a budget, and the call goes on), bounds the caller's
 * audio (frame length, how far ahead of real time), and frames it for the bot.
 */
export function createCallInbound(init: CallInboundInit): CallInbound {
  const { query, options, count, emit } = init;
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const reports = new PeerReports({ callId: query.callId, logger: init.logger, count, emit });
  const audio = new InboundAudio({ ...init, ...inboundLimits(options), reports });
  let connectedSeen = false;

  function receive(data: string | Uint8Array, isBinary: boolean): void {
    count((s) => {
      s.framesIn++;
      s.bytesIn += data.length;
    });
    const read = readFrame(data, isBinary, maxPayloadBytes);
    if (!read.ok) {
      reports.refuse(read.code, read.message, data, read.path, read.cause);
      return;
    }
    const { event, text } = read;
    if (event.type === 'unknown') {
      count((s) => s.unknownEvents++);
      reports.warn({ event: logText(event.event) }, 'unknown event');
      emit({ type: 'unknown-event', event: event.event, raw: event.raw });
      return;
    }
    if (event.extraFields) reports.extraFields(event.type, event.extraFields);
    if (event.callId !== query.callId) {
      reports.refuse(
        'CALL_ID_MISMATCH',
        `data.call_id ${JSON.stringify(logText(event.callId, 60))} is not this connection's ${JSON.stringify(query.callId)}`,
        text,
        '$.data.call_id',
      );
    }
    switch (event.type) {
      case 'connected':
        audio.useChannel(event.channel);
        if (connectedSeen) return;
        connectedSeen = true;
        emit({ type: 'call-connected', timestamp: event.timestamp, channel: event.channel });
        return;
      case 'media':
        audio.receive(text, event.channel, event.samples);
        return;
      case 'closed':
        init.onClosed();
        return;
    }
  }

  const fallback = options.remoteSide ?? 'a';
  return {
    receive,
    flush: () => audio.flush(),
    get channel() {
      return audio.channel;
    },
    stereoRemoteSide: stereoSideFor(query.params[REMOTE_SIDE_PARAM], fallback, reports),
  };
}

/** The bounds on a call's inbound audio, checked: one frame's length and how far ahead it may run. */
function inboundLimits(options: CallOptions): { maxFrameSamples: number; maxAheadMs: number } {
  const maxFrameMs = checkOption(
    options.maxMediaFrameMs ?? CALL_DEFAULTS.maxMediaFrameMs,
    'call.maxMediaFrameMs',
    20,
    3_600_000,
  );
  const maxAheadMs = checkOption(
    options.maxAudioAheadMs ?? CALL_DEFAULTS.maxAudioAheadMs,
    'call.maxAudioAheadMs',
    20,
    Number.MAX_SAFE_INTEGER,
  );
  return { maxFrameSamples: maxFrameMs * 8, maxAheadMs };
}

/** The side a stereo call's caller is on: the call's `remote_side`, else `fallback` (a bad value is refused). */
function stereoSideFor(
  value: string | undefined,
  fallback: CallSide,
  reports: PeerReports,
): CallSide {
  const side = parseRemoteSide(value);
  if (side !== null) return side ?? fallback;
  reports.refuse(
    'INVALID_PARAMETER',
    `${REMOTE_SIDE_PARAM} must be "a" or "b", got ${JSON.stringify(logText(value ?? '', 40))}: using "${fallback}"`,
    value ?? '',
    REMOTE_SIDE_PARAM,
  );
  return fallback;
}
