import { setTimeout as sleep } from 'node:timers/promises';
import type { CallCloser, CallLog } from './call-log.js';
import type { CallReport } from './call-report.js';
import type { CalleeHangsUp, CalleePlan } from './callee-plan.js';
import type { CreateStreamRequest } from './create-stream-form.js';
import { type PlaceCallOptions, placeCall } from './place-call.js';

/** One call create-stream accepted: what to do, where to report. */
export interface OutboundCall {
  readonly request: CreateStreamRequest;
  /** What the callee does (never a refusal: those are answered before). */
  readonly plan: Exclude<CalleePlan, { kind: 'refuse' }>;
  /** `app=bot`'s `audio_file`, played to the callee once they answer. */
  readonly prompt: Int16Array | undefined;
  /** The emulator's options for each call (`tailMs`, `pieceMs`, `speed`, …). */
  readonly callOptions: Partial<PlaceCallOptions>;
  /** The request's number in the log. */
  readonly seq: number;
  readonly log: CallLog;
  /** Aborted: a call still ringing is dropped. */
  readonly closing: AbortSignal;
  /** Aborted: a connected call ends, as if the callee hung up. */
  readonly hangingUp: AbortSignal;
}

/** The log's words for an end the emulator chose (placeCall says `caller hung up` for each). */
const REASONS: Partial<Record<CallCloser, string>> = {
  callee: 'callee hung up',
  network: 'announcement ended',
  emulator: 'emulator closed',
};

/** Who ended a call placeCall reported on. */
function closer(report: CallReport, hangsUp: CalleeHangsUp, aborted: boolean): CallCloser {
  if (report.end.by === 'bot') return 'bot';
  if (report.end.by === 'server') return 'server';
  return aborted ? 'emulator' : hangsUp;
}

/**
 * Rings, then (unless nobody answers) places the call to the bot as PSR does, logging its
 * opening and its end. Resolves with the call's report; undefined when the WebSocket never
 * opened (nobody answered, the emulator closed while it rang, or the bot's server refused).
 */
export async function runOutboundCall(call: OutboundCall): Promise<CallReport | undefined> {
  const { request, plan, log, seq } = call;
  const { callId, destination } = request;
  // Once: a bot's hangup or transfer ends the call where PSR receives it (the socket closes
  // a moment later); counts of calls at once must not hold it open for that moment.
  let ended = false;
  const end = (fields: {
    opened: boolean;
    by: CallCloser;
    reason: string;
    durationMs?: number;
  }) => {
    if (ended) return;
    ended = true;
    log.add({ event: 'close', seq, callId, destination, ...fields });
  };
  const rang = await sleep(plan.ringMs, true, { signal: call.closing }).catch(() => false);
  if (!rang) {
    end({ opened: false, by: 'emulator', reason: 'cancelled while ringing' });
    return undefined;
  }
  if (plan.kind === 'ring-out') {
    end({ opened: false, by: 'network', reason: 'no answer' });
    return undefined;
  }
  let opened = false;
  try {
    const report = await placeCall({
      side: 'b',
      ...call.callOptions,
      ...(plan.tailMs !== undefined && { tailMs: plan.tailMs }),
      tailNoise: plan.tailNoise,
      url: request.url,
      callId,
      channel: request.channel,
      params: request.parameter,
      caller: plan.caller,
      signal: call.hangingUp,
      ...(plan.prompt && call.prompt && { prompt: call.prompt }),
      onTimeline: (entry) => {
        if (entry.kind === 'connected') {
          opened = true;
          log.add({ event: 'open', seq, callId, destination });
        }
        if (entry.kind === 'action' && (entry.type === 'hangup' || entry.type === 'transfer'))
          end({
            opened: true,
            by: 'bot',
            reason: `bot sent ${entry.type}`,
            durationMs: entry.atMs,
          });
        call.callOptions.onTimeline?.(entry);
      },
    });
    const by = closer(report, plan.hangsUp, call.hangingUp.aborted);
    end({
      opened: true,
      by,
      reason: REASONS[by] ?? report.end.reason,
      durationMs: report.durationMs,
    });
    return report;
  } catch (error) {
    const reason = (error as Error).message;
    end({ opened, by: opened ? 'emulator' : 'server', reason });
    throw error;
  }
}
