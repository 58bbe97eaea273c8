import {
  type AudioFrame,
  type CallSide,
  createPcmFramer,
  createPlayoutLine,
  type PcmFramer,
  type PlaybackHandle,
  type PlaybackOutcome,
  StageFailure,
} from '@psrkit/pipeline';
import {
  checkExtension,
  DEFAULT_MAX_PAYLOAD_BYTES,
  decodeEvent,
  encodeAction,
  hangupAction,
  isProtocolError,
  type PsrAction,
  type PsrChannel,
  transferAction,
} from '@psrkit/protocol';
import { asyncScheduler, filter, of, Subject } from 'rxjs';
import { createCallStageState } from './call-stages.js';
import { createCallStats, type StatsUpdate, updateAll } from './call-stats.js';
import { type CallTrace, traceCall } from './call-trace.js';
import type {
  Call,
  CallController,
  CallEnd,
  CallEndReason,
  CallEvent,
  CallInit,
  SendResult,
  SentAction,
} from './call-types.js';
import { callerAudio } from './caller-audio.js';
import { checkOption, type FrameErrorCode, TransportError } from './errors.js';
import { logText, warningBudget } from './log-text.js';
import { parseRemoteSide, REMOTE_SIDE_PARAM, remoteSideOf } from './remote-side.js';

/** Distinct extra field names a call reports before it stops reporting new ones. */
const MAX_REPORTED_FIELDS = 256;

/** A call's defaults (what `createCall` uses when an option is left out). */
export const CALL_DEFAULTS = { maxMediaFrameMs: 1000, maxAudioAheadMs: 2000 } as const;

/**
 * Turns one PSR connection into a {@link Call}: decodes and checks every frame (bad
 * ones become `frame-error` events and the call goes on), frames the caller's audio,
 * and sends the playout line's actions with backpressure from the socket.
 */
export function createCall(init: CallInit): CallController {
  const { connection, query } = init;
  const options = init.options ?? {};
  // The call's context is known once its controller exists (at the end of this function).
  let context = <T>(work: () => T): T => work();
  const inCall = <T>(work: () => T): T => context(work);
  const scheduler = options.scheduler ?? init.timers?.within(inCall) ?? asyncScheduler;
  const work = init.work?.within(inCall);
  const highWaterMark = checkOption(
    options.sendHighWaterMark ?? 64 * 1024,
    'call.sendHighWaterMark',
    1024,
    1 << 30,
  );
  const maxBufferedBytes = checkOption(
    options.maxBufferedBytes ?? 16 * 1024 * 1024,
    'call.maxBufferedBytes',
    highWaterMark,
    1 << 30,
  );
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
  const endingTimeoutMs = checkOption(
    options.endingTimeoutMs ?? 5000,
    'call.endingTimeoutMs',
    0,
    600_000,
  );
  const logger = init.logger.child({
    call_id: logText(query.callId),
    tenant: logText(query.tenant),
  });
  const stats = createCallStats();
  const targets = init.totals ? [stats, init.totals] : [stats];
  const count = (update: StatsUpdate): void => updateAll(targets, update);
  const startedAt = scheduler.now();
  const events = new Subject<CallEvent>();
  const audio = new Subject<AudioFrame>();
  const stages = createCallStageState(
    options.stages ?? {},
    (frame) => audio.next(frame),
    (failure) => {
      logger.error(
        { err: failure, plugin: failure.plugin },
        'inbound stage failed: the caller is heard without stages from now on',
      );
      events.next({ type: 'stage-failed', chain: 'inbound', error: failure });
    },
  );
  const toBot = stages.toBot;
  const sent = new Subject<SentAction>();
  const abort = new AbortController();
  let resolveClosed: (end: CallEnd) => void = () => undefined;
  const closed = new Promise<CallEnd>((resolve) => {
    resolveClosed = resolve;
  });
  let state: Call['state'] = 'open';
  let endingAs: 'hangup' | 'transfer' | undefined;
  let endingTimer: { unsubscribe(): void } | undefined;
  let channel: PsrChannel | undefined;
  let framer: PcmFramer | undefined;
  let connectedSeen = false;
  let blocked = false;
  let sidesSeen = 0;
  let failure: Error | undefined;
  // Extra field names reported so far (each once), up to a cap: a peer cannot grow it for ever.
  const reportedFields = new Set<string>();
  const warnings = warningBudget();
  /** Logs a warning about what the peer sent, unless this call has used its budget. */
  const warnPeer = (fields: Record<string, unknown>, message: string): void => {
    const { log, suppressed } = warnings.take();
    if (log) logger.warn(suppressed > 0 ? { ...fields, suppressed } : fields, message);
  };
  const stereoRemoteSide = stereoSideFor(query.params[REMOTE_SIDE_PARAM]);

  const line = createPlayoutLine(
    {
      send: (action) => sendAction(action),
      writable: () => connection.bufferedAmount < highWaterMark,
    },
    {
      ...(work && { prepareAhead: work }),
      ...options.playout,
      outbound: stages.outbound,
      scheduler,
      onBlocked: () => {
        count((s) => s.backpressureWaits++);
        if (blocked) return;
        blocked = true;
        logger.warn(
          { bufferedAmount: connection.bufferedAmount },
          'send buffer full: playout waits',
        );
        events.next({ type: 'backpressure-start', bufferedAmount: connection.bufferedAmount });
      },
    },
  );
  line.events$.subscribe((event) => {
    if (event.type === 'playback-interrupted' && event.reason === 'interrupted')
      count((s) => s.interruptions++);
    events.next(event);
    if (event.type === 'playback-interrupted' && event.error instanceof StageFailure) {
      logger.error(
        { err: event.error, plugin: event.error.plugin, playback: event.id },
        'outbound stage failed: that file or stream ended',
      );
      events.next({ type: 'stage-failed', chain: 'outbound', error: event.error });
    }
  });
  function sendAction(action: PsrAction): boolean {
    if (state === 'closed') return false;
    const text = encodeAction(action);
    if (!connection.send(text)) return false;
    blocked = false;
    count((s) => {
      s.actionsSent[action.type]++;
      s.bytesOut += text.length;
    });
    sent.next({ action, atMs: scheduler.now() - startedAt });
    if (connection.bufferedAmount > maxBufferedBytes) {
      logger.warn(
        { bufferedAmount: connection.bufferedAmount, maxBufferedBytes },
        'the peer stopped reading: ending the call',
      );
      end('send-buffer-full', { code: 1008, detail: 'the peer stopped reading', terminate: true });
    }
    return true;
  }

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
    events.next({ type: 'frame-error', error, excerpt, bytes: data.length });
  }

  /** The stereo remote side: the call's valid `remote_side`, else the server's, else `a`. */
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

  function useChannel(next: PsrChannel): void {
    if (channel === next && framer) return;
    if (channel !== undefined && channel !== next)
      logger.warn({ from: channel, to: next }, 'channel layout changed mid-call');
    if (framer) for (const frame of framer.flush()) toBot(frame);
    channel = next;
    sidesSeen = next === 'stereo' ? 2 : 1;
    framer = createPcmFramer({
      layout: next,
      ...(options.frameMs !== undefined && { frameMs: options.frameMs }),
      ...(options.stereoOrder && { stereoOrder: options.stereoOrder }),
    });
  }

  function receive(data: string | Uint8Array, isBinary: boolean): void {
    if (state === 'closed') return;
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
      events.next({ type: 'unknown-event', event: event.event, raw: event.raw });
      return;
    }
    if (event.extraFields && reportedFields.size < MAX_REPORTED_FIELDS) {
      const fresh = event.extraFields.filter((path) => {
        const key = `${event.type} ${path}`;
        if (reportedFields.has(key) || reportedFields.size >= MAX_REPORTED_FIELDS) return false;
        reportedFields.add(key);
        return true;
      });
      if (fresh.length > 0) {
        warnPeer(
          {
            event: event.type,
            fields: fresh.slice(0, 10).map((path) => logText(path)),
            ...(fresh.length > 10 && { more: fresh.length - 10 }),
            ...(reportedFields.size >= MAX_REPORTED_FIELDS && { no_more_reported: true }),
          },
          'fields ignored',
        );
        events.next({ type: 'fields-ignored', event: event.type, fields: fresh });
      }
    }
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
        events.next({ type: 'call-connected', timestamp: event.timestamp, channel: event.channel });
        return;
      case 'media': {
        useChannel(event.channel);
        const samples = event.samples.length / sidesSeen; // per side
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
        for (const frame of framer!.push(event.samples)) toBot(frame);
        return;
      }
      case 'closed':
        end('psr-closed', { detail: 'PSR sent closed' });
        return;
    }
  }

  function end(
    reason: CallEndReason,
    details: { code?: number; detail?: string; terminate?: boolean } = {},
  ): void {
    if (state === 'closed') return;
    const finalReason =
      endingAs && (reason === 'psr-closed' || reason === 'socket-closed') ? endingAs : reason;
    state = 'closed';
    endingTimer?.unsubscribe();
    line.close();
    if (framer) for (const frame of framer.flush()) toBot(frame);
    stages.end();
    const code = details.code ?? 1000;
    const outcome: CallEnd = {
      reason: finalReason,
      code,
      detail: details.detail ?? finalReason,
      durationMs: scheduler.now() - startedAt,
      ...(failure && { error: failure }),
    };
    if (details.terminate) connection.terminate();
    else if (connection.isOpen) connection.close(code, outcome.detail.slice(0, 120));
    logger.info({ reason: finalReason, code, durationMs: outcome.durationMs }, 'call ended');
    events.next({ type: 'call-closed', ...outcome });
    audio.complete();
    events.complete();
    sent.complete();
    abort.abort(
      new TransportError('CALL_CLOSED', `call ended: ${finalReason}`, { callId: query.callId }),
    );
    resolveClosed(outcome);
  }

  function finishWith(
    action: PsrAction & { type: 'hangup' | 'transfer' },
    error?: Error,
  ): SendResult {
    if (state !== 'open') {
      return {
        sent: false,
        error: new TransportError('CALL_CLOSED', `cannot ${action.type}: the call is ${state}`, {
          callId: query.callId,
        }),
      };
    }
    line.close(error);
    state = 'ending';
    endingAs = action.type;
    sendAction(action);
    logger.info(action.type === 'transfer' ? { extension: action.extension } : {}, action.type);
    endingTimer = scheduler.schedule(
      () => end(action.type, { detail: `PSR did not close after ${action.type}` }),
      endingTimeoutMs,
    );
    return { sent: true };
  }

  const endedHandle = (id: string): PlaybackHandle => {
    const outcome: PlaybackOutcome = {
      type: 'playback-interrupted',
      id,
      playedMs: 0,
      heardMs: 0,
      reason: 'closed',
    };
    return {
      id,
      events$: of(outcome),
      playedMs: 0,
      done: Promise.resolve(outcome),
      interrupt() {},
    };
  };

  connection.on('message', (data, isBinary) => inCall(() => receive(data, isBinary)));
  let carrierError: Error | undefined;
  connection.on('error', (error) => {
    carrierError = error;
    logger.warn({ err: error }, 'connection error');
  });
  connection.on('close', (code, reason) => {
    const tooLarge =
      code === 1009 ||
      (carrierError as { code?: string } | undefined)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
    end(tooLarge ? 'payload-too-large' : 'socket-closed', {
      code: tooLarge ? 1009 : code,
      detail: reason || (tooLarge ? 'frame over the size limit' : 'socket closed'),
    });
  });

  let callTrace: CallTrace; // set right below: it follows the call's own events
  const call: Call = {
    id: query.callId,
    tenant: query.tenant,
    params: query.params,
    paramValues: query.paramValues,
    get channel() {
      return channel;
    },
    get state() {
      return state;
    },
    events$: events.asObservable(),
    actionsSent$: sent.asObservable(),
    audio$: audio.asObservable(),
    get remoteSide() {
      return remoteSideOf(channel, stereoRemoteSide);
    },
    audio: ({ channel: side = 'remote', ...rest } = {}) =>
      audio.pipe(
        filter(
          (frame) =>
            side === 'both' || frame.channel === (side === 'remote' ? call.remoteSide : side),
        ),
        callerAudio(rest),
      ),
    closed,
    signal: abort.signal,
    get trace() {
      return callTrace;
    },
    stats,
    play(wav, playOptions = {}) {
      if (state !== 'open') return endedHandle(playOptions.id ?? 'closed');
      return line.play(wav, playOptions);
    },
    stream(pcm$, streamOptions) {
      if (state !== 'open') return endedHandle(streamOptions.id ?? 'closed');
      return line.stream(pcm$, streamOptions);
    },
    interrupt: () => line.interrupt(),
    addStages: (more) => stages.add(more),
    get speaking() {
      return line.busy;
    },
    transfer: (extension) => finishWith(transferAction(checkExtension(extension, 'extension'))),
    hangup: () => finishWith(hangupAction()),
  };

  callTrace = traceCall(call);
  const controller: CallController = {
    call,
    end,
    fail(error) {
      if (state === 'closed') return;
      failure =
        error instanceof Error
          ? error
          : new TransportError('BOT_FAILED', `the bot failed: ${String(error)}`, {
              callId: query.callId,
            });
      const policy = options.onBotError ?? { action: 'hangup' };
      logger.error({ err: failure, policy: policy.action }, 'bot failed');
      events.next({ type: 'bot-failed', error: failure });
      if (state === 'open') {
        finishWith(
          policy.action === 'transfer' ? transferAction(policy.extension) : hangupAction(),
          failure,
        );
      }
    },
  };
  if (init.context) context = init.context(controller);
  return controller;
}
