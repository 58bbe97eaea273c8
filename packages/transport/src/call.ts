import {
  type AudioFrame,
  createPlayoutLine,
  type PlaybackHandle,
  type PlaybackOutcome,
  StageFailure,
} from '@psrkit/pipeline';
import {
  checkExtension,
  encodeAction,
  hangupAction,
  type PsrAction,
  transferAction,
} from '@psrkit/protocol';
import { asyncScheduler, filter, of, Subject } from 'rxjs';
import { createCallInbound } from './call-inbound.js';
import { createCallResult } from './call-result.js';
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
  CallOptions,
  SendResult,
  SentAction,
} from './call-types.js';
import { callerAudio } from './caller-audio.js';
import { checkOption, TransportError } from './errors.js';
import { logText } from './log-text.js';
import { remoteSideOf } from './remote-side.js';

/**
 * Turns one PSR connection into a {@link Call}: its inbound side decodes and checks every
 * frame (bad ones become `frame-error` events and the call goes on) and frames the caller's
 * audio; the playout line's actions go out with backpressure from the socket.
 */
export function createCall(init: CallInit): CallController {
  const { connection, query } = init;
  const options = init.options ?? {};
  // The call's context is known once its controller exists (at the end of this function).
  let context = <T>(work: () => T): T => work();
  const inCall = <T>(work: () => T): T => context(work);
  const scheduler = options.scheduler ?? init.timers?.within(inCall) ?? asyncScheduler;
  const work = init.work?.within(inCall);
  const { highWaterMark, maxBufferedBytes, endingTimeoutMs } = sendLimits(options);
  const logger = init.logger.child({
    call_id: logText(query.callId),
    tenant: logText(query.tenant),
  });
  const stats = createCallStats();
  const result = createCallResult(query.callId);
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
  let blocked = false;
  let failure: Error | undefined;
  const inbound = createCallInbound({
    query,
    options,
    logger,
    scheduler,
    stats,
    count,
    emit: (event) => events.next(event),
    toBot,
    onClosed: () => end('psr-closed', { detail: 'PSR sent closed' }),
  });

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
    inbound.flush();
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

  connection.on('message', (data, isBinary) =>
    inCall(() => {
      if (state !== 'closed') inbound.receive(data, isBinary);
    }),
  );
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
      return inbound.channel;
    },
    get state() {
      return state;
    },
    events$: events.asObservable(),
    actionsSent$: sent.asObservable(),
    audio$: audio.asObservable(),
    get remoteSide() {
      return remoteSideOf(inbound.channel, inbound.stereoRemoteSide);
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
      if (state !== 'open') return closedHandle(playOptions.id ?? 'closed');
      return line.play(wav, playOptions);
    },
    stream(pcm$, streamOptions) {
      if (state !== 'open') return closedHandle(streamOptions.id ?? 'closed');
      return line.stream(pcm$, streamOptions);
    },
    interrupt: () => line.interrupt(),
    addStages: (more) => stages.add(more),
    get speaking() {
      return line.busy;
    },
    result: result.fields,
    setResult(fields) {
      const stored = result.set(fields);
      if (state !== 'closed' && Object.keys(stored).length > 0)
        events.next({ type: 'result-set', fields: stored });
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

/** The send side's limits, checked: the socket's watermark, its hard cap, the wait after a hangup. */
function sendLimits(options: CallOptions) {
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
  const endingTimeoutMs = checkOption(
    options.endingTimeoutMs ?? 5000,
    'call.endingTimeoutMs',
    0,
    600_000,
  );
  return { highWaterMark, maxBufferedBytes, endingTimeoutMs };
}

/** What `play` and `stream` hand back once the call is no longer open: an item that ended unheard. */
function closedHandle(id: string): PlaybackHandle {
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
}
