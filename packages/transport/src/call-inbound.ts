import { type AudioFrame, type CallSide, createPcmFramer, type PcmFramer } from '@psrkit/pipeline';
import {
  type ConnectionQuery,
  DEFAULT_MAX_PAYLOAD_BYTES,
  decodeEvent,
  isProtocolError,
  type PsrChannel,
} from '@psrkit/protocol';
import type { SchedulerLike } from 'rxjs';
import type { CallStats, StatsUpdate } from './call-stats.js';
import type { CallEvent, CallOptions } from './call-types.js';
import { checkOption, type FrameErrorCode, TransportError } from './errors.js';
import { logText, warningBudget } from './log-text.js';
import type { TransportLogger } from './logger.js';
import { parseRemoteSide, REMOTE_SIDE_PARAM } from './remote-side.js';

/** Distinct extra field names a call reports before it stops reporting new ones. */
const MAX_REPORTED_FIELDS = 256;

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

/**
 * The inbound side of one call: decodes and checks every frame from PSR (bad ones become
 * `frame-error` events, logged within a budget, and the call goes on), bounds the caller's
 * audio (frame length, how far ahead of real time), and frames it for the bot.
 */
export function createCallInbound(init: CallInboundInit): CallInbound {
  const { query, options, logger, scheduler, stats, count, emit, toBot } = init;
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const maxMediaFrameSamples =
    checkOption(
      options.maxMediaFrameMs ?? CALL_DEFAULTS.maxMediaFrameMs,
      'call.maxMediaFrameMs',
      20,
      3_600_000,
    ) * 8;
  const maxAheadMs = checkOption(
    options.maxAudioAheadMs ?? CALL_DEFAULTS.maxAudioAheadMs,
    'call.maxAudioAheadMs',
    20,
    Number.MAX_SAFE_INTEGER,
  );
  let audioStartedAt: number | undefined; // when the first media frame came
  let channel: PsrChannel | undefined;
  let framer: PcmFramer | undefined;
  let connectedSeen = false;
  let sidesSeen = 0;
  // Extra field names reported so far (each once), up to a cap: a peer cannot grow it for ever.
  const reportedFields = new Set<string>();
  const warnings = warningBudget();
  /** Logs a warning about what the peer sent, unless this call has used its budget. */
  const warnPeer = (fields: Record<string, unknown>, message: string): void => {
    const { log, suppressed } = warnings.take();
    if (log) logger.warn(suppressed > 0 ? { ...fields, suppressed } : fields, message);
  };

  function frameError(
    code: FrameErrorCode,
    message: string,
    data: string | Uint8Array,
    path?: string,
    cause?: unknown,
  ): void {
    const error = new TransportError(code, message, {
      callId: query.callId,
      ...(path !== undefined && { path }),
      ...(cause !== undefined && { cause }),
    });
    count((s) => {
      s.frameErrors[code] = (s.frameErrors[code] ?? 0) + 1;
    });
    const excerpt =
      typeof data === 'string' ? logText(data) : Buffer.from(data.subarray(0, 60)).toString('hex');
    warnPeer({ code, path, message: logText(message, 200), excerpt }, 'frame refused');
    emit({ type: 'frame-error', error, excerpt, bytes: data.length });
  }

  function stereoSideFor(value: string | undefined): CallSide {
    const fallback = options.remoteSide ?? 'a';
    const side = parseRemoteSide(value);
    if (side !== null) return side ?? fallback;
    frameError(
      'INVALID_PARAMETER',
      `${REMOTE_SIDE_PARAM} must be "a" or "b", got ${JSON.stringify(logText(value ?? '', 40))}: using "${fallback}"`,
      value ?? '',
      REMOTE_SIDE_PARAM,
    );
    return fallback;
  }

  function flush(): void {
    if (framer) for (const frame of framer.flush()) toBot(frame);
  }

  function useChannel(next: PsrChannel): void {
    if (channel === next && framer) return;
    if (channel !== undefined && channel !== next)
      logger.warn({ from: channel, to: next }, 'channel layout changed mid-call');
    flush();
    channel = next;
    sidesSeen = next === 'stereo' ? 2 : 1;
    framer = createPcmFramer({
      layout: next,
      ...(options.frameMs !== undefined && { frameMs: options.frameMs }),
      ...(options.stereoOrder && { stereoOrder: options.stereoOrder }),
    });
  }

  /** Reports field names PSR sent that this version does not read, each once. */
  function reportExtraFields(type: string, paths: readonly string[]): void {
    if (reportedFields.size >= MAX_REPORTED_FIELDS) return;
    const fresh = paths.filter((path) => {
      const key = `${type} ${path}`;
      if (reportedFields.has(key) || reportedFields.size >= MAX_REPORTED_FIELDS) return false;
      reportedFields.add(key);
      return true;
    });
    if (fresh.length === 0) return;
    warnPeer(
      {
        event: type,
        fields: fresh.slice(0, 10).map((path) => logText(path)),
        ...(fresh.length > 10 && { more: fresh.length - 10 }),
        ...(reportedFields.size >= MAX_REPORTED_FIELDS && { no_more_reported: true }),
      },
      'fields ignored',
    );
    emit({ type: 'fields-ignored', event: type, fields: fresh });
  }

  function receiveMedia(data: string, channelOfFrame: PsrChannel, pcm: Int16Array): void {
    useChannel(channelOfFrame);
    const samples = pcm.length / sidesSeen; // per side
    if (samples > maxMediaFrameSamples) {
      frameError(
        'MEDIA_TOO_LONG',
        `a media frame of ${samples / 8} ms of audio; PSR sends 20 ms pieces, at most ${maxMediaFrameSamples / 8} ms are taken`,
        data,
        '$.media.payload',
      );
      return;
    }
    const now = scheduler.now();
    audioStartedAt ??= now;
    if ((stats.samplesIn + samples) / 8 - (now - audioStartedAt) > maxAheadMs) {
      frameError(
        'AUDIO_AHEAD',
        `caller audio more than ${maxAheadMs} ms ahead of real time: dropped`,
        data,
        '$.media.payload',
      );
      return;
    }
    count((s) => {
      s.samplesIn += samples;
    });
    for (const frame of framer!.push(pcm)) toBot(frame);
  }

  function receive(data: string | Uint8Array, isBinary: boolean): void {
    count((s) => {
      s.framesIn++;
      s.bytesIn += data.length;
    });
    if (isBinary) {
      frameError('BINARY_FRAME', 'binary frame: PSR sends JSON text frames', data);
      return;
    }
    if (typeof data !== 'string') {
      frameError('INVALID_UTF8', 'text frame that is not valid UTF-8', data);
      return;
    }
    let event: ReturnType<typeof decodeEvent>;
    try {
      event = decodeEvent(data, { maxPayloadBytes });
    } catch (error) {
      if (!isProtocolError(error)) throw error;
      frameError(error.code, error.message, data, error.path, error);
      return;
    }
    if (event.type === 'unknown') {
      count((s) => s.unknownEvents++);
      warnPeer({ event: logText(event.event) }, 'unknown event');
      emit({ type: 'unknown-event', event: event.event, raw: event.raw });
      return;
    }
    if (event.extraFields) reportExtraFields(event.type, event.extraFields);
    if (event.callId !== query.callId) {
      frameError(
        'CALL_ID_MISMATCH',
        `data.call_id ${JSON.stringify(logText(event.callId, 60))} is not this connection's ${JSON.stringify(query.callId)}`,
        data,
        '$.data.call_id',
      );
    }
    switch (event.type) {
      case 'connected':
        useChannel(event.channel);
        if (connectedSeen) return;
        connectedSeen = true;
        emit({ type: 'call-connected', timestamp: event.timestamp, channel: event.channel });
        return;
      case 'media':
        receiveMedia(data, event.channel, event.samples);
        return;
      case 'closed':
        init.onClosed();
        return;
    }
  }

  const stereoRemoteSide = stereoSideFor(query.params[REMOTE_SIDE_PARAM]);
  return {
    receive,
    flush,
    get channel() {
      return channel;
    },
    stereoRemoteSide,
  };
}
