import { createPlayoutLine, type PlayoutLine, type WorkQueue } from '@psrkit/pipeline';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { CallEnding, type EndDetails } from './call-ending.js';
import { type CallInbound, createCallInbound } from './call-inbound.js';
import { CallOutputs } from './call-outputs.js';
import { createCallResult } from './call-result.js';
import { CallSink } from './call-sink.js';
import { type CallStageState, createCallStageState } from './call-stages.js';
import { type CallStats, createCallStats, type StatsUpdate, updateAll } from './call-stats.js';
import type {
  CallController,
  CallEndReason,
  CallEvent,
  CallInit,
  CallOptions,
} from './call-types.js';
import { callView } from './call-view.js';
import type { PsrConnection } from './connection.js';
import { checkOption } from './errors.js';
import { logText } from './log-text.js';
import type { TransportLogger } from './logger.js';
import { reportPlayoutEvent } from './playout-report.js';

/** A call's settings, checked, and what it runs on and counts into. */
interface CallSettings {
  readonly connection: PsrConnection;
  readonly query: CallInit['query'];
  readonly options: CallOptions;
  readonly scheduler: SchedulerLike;
  readonly work: WorkQueue | undefined;
  readonly limits: ReturnType<typeof sendLimits>;
  readonly logger: TransportLogger;
  readonly stats: CallStats;
  /** Counts a change in the call's stats and the server's totals. */
  readonly count: (update: StatsUpdate) => void;
  /** Ms since the call was accepted. */
  readonly elapsedMs: () => number;
}

/** The parts of a call that talk to each other: its ending, its way out, its inbound side, its playout. */
interface CallParts {
  readonly stages: CallStageState;
  readonly ending: CallEnding;
  readonly sink: CallSink;
  readonly inbound: CallInbound;
  readonly line: PlayoutLine;
}

/**
 * Turns one PSR connection into a {@link Call}: its inbound side decodes and checks every
 * frame (bad ones become `frame-error` events and the call goes on) and frames the caller's
 * audio; the playout line's actions go out with backpressure from the socket.
 */
export function createCall(init: CallInit): CallController {
  // The call's context is known once its controller exists (at the end of this function).
  let context = <T>(work: () => T): T => work();
  const inCall = <T>(work: () => T): T => context(work);
  const settings = callSettings(init, inCall);
  const { connection, query, options, logger, count, stats } = settings;
  const outputs = new CallOutputs(query.callId);
  const emit = (event: CallEvent): void => outputs.events.next(event);
  const parts = callParts(settings, outputs);
  const { ending, inbound } = parts;
  parts.line.events$.subscribe((event) => reportPlayoutEvent(event, { count, emit, logger }));
  connection.on('message', (data, isBinary) =>
    inCall(() => {
      if (ending.state !== 'closed') inbound.receive(data, isBinary);
    }),
  );
  let carrierError: Error | undefined;
  connection.on('error', (error) => {
    carrierError = error;
    logger.warn({ err: error }, 'connection error');
  });
  connection.on('close', (code, reason) => {
    const { reason: why, ...details } = socketEnd(code, reason, carrierError);
    ending.end(why, details);
  });
  const result = createCallResult(query.callId);
  const policy = options.onBotError ?? { action: 'hangup' };
  const controller: CallController = {
    call: callView({ ...parts, query, outputs, stats, result }),
    end: (reason, details) => ending.end(reason, details),
    fail: (error) => ending.fail(error, policy),
  };
  if (init.context) context = init.context(controller);
  return controller;
}

/** A call's settings from its init: options checked, its clock, its logger, its counters. */
function callSettings(init: CallInit, inCall: <T>(work: () => T) => T): CallSettings {
  const { connection, query } = init;
  const options = init.options ?? {};
  const scheduler = options.scheduler ?? init.timers?.within(inCall) ?? asyncScheduler;
  const stats = createCallStats();
  const targets = init.totals ? [stats, init.totals] : [stats];
  const startedAt = scheduler.now();
  return {
    connection,
    query,
    options,
    scheduler,
    work: init.work?.within(inCall),
    limits: sendLimits(options),
    logger: init.logger.child({ call_id: logText(query.callId), tenant: logText(query.tenant) }),
    stats,
    count: (update) => updateAll(targets, update),
    elapsedMs: () => scheduler.now() - startedAt,
  };
}

/**
 * Makes a call's parts and wires them: the ending stops playout and closes the rest; the
 * sink sends the line's actions and ends the call on a peer that stopped reading; the
 * inbound side hands the caller's audio to the stages and ends the call on PSR's `closed`.
 */
function callParts(settings: CallSettings, outputs: CallOutputs): CallParts {
  const { connection, query, options, scheduler, logger, count } = settings;
  const emit = (event: CallEvent): void => outputs.events.next(event);
  const stages = createCallStageState(
    options.stages ?? {},
    (frame) => outputs.audio.next(frame),
    (failure) => {
      logger.error(
        { err: failure, plugin: failure.plugin },
        'inbound stage failed: the caller is heard without stages from now on',
      );
      emit({ type: 'stage-failed', chain: 'inbound', error: failure });
    },
  );
  const ending: CallEnding = new CallEnding({
    callId: query.callId,
    scheduler,
    logger,
    emit,
    endingTimeoutMs: settings.limits.endingTimeoutMs,
    stopPlayout: (error) => line.close(error),
    send: (action): boolean => sink.send(action),
    close: (reason, details, failure) =>
      closeCall({ ...parts, settings, outputs }, reason, details, failure),
  });
  const sink: CallSink = new CallSink({
    ...settings.limits,
    connection,
    logger,
    count,
    emit,
    closed: (): boolean => ending.state === 'closed',
    sent: (action) => outputs.sent.next({ action, atMs: settings.elapsedMs() }),
    overflow: () =>
      ending.end('send-buffer-full', {
        code: 1008,
        detail: 'the peer stopped reading',
        terminate: true,
      }),
  });
  const inbound = createCallInbound({
    query,
    options,
    logger,
    scheduler,
    stats: settings.stats,
    count,
    emit,
    toBot: stages.toBot,
    onClosed: () => ending.end('psr-closed', { detail: 'PSR sent closed' }),
  });
  const line = createPlayoutLine(sink, {
    ...(settings.work && { prepareAhead: settings.work }),
    ...options.playout,
    outbound: stages.outbound,
    scheduler,
    onBlocked: () => sink.blocked(),
  });
  const parts: CallParts = { stages, ending, sink, inbound, line };
  return parts;
}

/**
 * Closes a call's parts once its ending says it is over: playout stops, the caller's held
 * audio and the stages flush, the socket closes (or drops), and the outputs finish.
 */
function closeCall(
  closing: CallParts & { readonly settings: CallSettings; readonly outputs: CallOutputs },
  reason: CallEndReason,
  details: EndDetails,
  failure: Error | undefined,
): void {
  const { line, inbound, stages, settings, outputs } = closing;
  const { connection, logger } = settings;
  line.close();
  inbound.flush();
  stages.end();
  const code = details.code ?? 1000;
  const outcome = {
    reason,
    code,
    detail: details.detail ?? reason,
    durationMs: settings.elapsedMs(),
    ...(failure && { error: failure }),
  };
  if (details.terminate) connection.terminate();
  else if (connection.isOpen) connection.close(code, outcome.detail.slice(0, 120));
  logger.info({ reason, code, durationMs: outcome.durationMs }, 'call ended');
  outputs.finish(outcome);
}

/** Why a call ends when its socket closed: a frame over the size limit, or just the close. */
export function socketEnd(
  code: number,
  reason: string,
  carrierError: Error | undefined,
): { reason: CallEndReason } & EndDetails {
  const tooLarge =
    code === 1009 ||
    (carrierError as { code?: string } | undefined)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
  return {
    reason: tooLarge ? 'payload-too-large' : 'socket-closed',
    code: tooLarge ? 1009 : code,
    detail: reason || (tooLarge ? 'frame over the size limit' : 'socket closed'),
  };
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
