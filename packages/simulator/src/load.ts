import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isTransportError } from '@psrkit/transport';
import type { ActionRecord, CallReport } from './call-report.js';
import { checkRange } from './errors.js';
import { type Percentiles, percentiles } from './percentiles.js';
import { type PlaceCallOptions, placeCall } from './place-call.js';

/** Options of {@link runLoad}: how many calls, how ramped, how long, and what every caller says. */
export interface LoadOptions
  extends Omit<PlaceCallOptions, 'caller' | 'tailMs' | 'onTimeline' | 'callId'> {
  /** Concurrent calls to open. */
  readonly calls: number;
  /** Spread the call starts evenly over this long, ms (default 0: all at once). */
  readonly rampMs?: number;
  /** How long each call lasts, ms; the caller recording loops to fill it. */
  readonly durationMs: number;
  /** What every caller says (mono, 8 kHz), looped. */
  readonly caller: Int16Array;
  /** Called after each call ends (progress displays). */
  readonly onCallEnd?: (done: number, total: number) => void;
}

/** Aggregate figures of a load run. */
export interface LoadSummary {
  /** Calls placed. */
  readonly calls: number;
  /** Calls that could not connect. */
  readonly connectFailures: number;
  /** Calls the server ended before the caller did (closed, hung up or transferred early). */
  readonly endedEarly: number;
  /** From the end of each caller utterance to the bot's first new audio, ms. */
  readonly firstReplyMs: Percentiles | undefined;
  /** Stale audio after each barge-in, as the caller hears it: from their speech onset to the bot's last sound. */
  readonly bargeInStopMs: Percentiles | undefined;
  /** Audio queued at the caller when each chunk of a stream arrived, ms: its p1 is the line's margin. */
  readonly marginMs: Percentiles | undefined;
  /** Underruns inside chunk streams, over every call. */
  readonly underruns: number;
  /** Their total length, ms. */
  readonly underrunMs: number;
  /** Calls with at least one underrun. */
  readonly callsWithUnderruns: number;
  /** Arrival jitter of paced chunks, ms (see {@link chunkJitter}). */
  readonly chunkJitterMs: Percentiles | undefined;
  /** The emulator's own event-loop delay, ms: when it is high, the figures above are the emulator's. */
  readonly emulatorLoopDelayMs: Percentiles | undefined;
  /** Actions that broke the contract, over every call. */
  readonly violations: number;
  /** Connect errors by message (first 5). */
  readonly errors: readonly string[];
  /** How long the run took, ms. */
  readonly wallMs: number;
}

/**
 * Opens `calls` concurrent emulated calls (ramped), each streaming caller audio in real
 * time for `durationMs`, and sums up what they saw. MP3 is not decoded by default
 * (`decode: 'none'`): durations come from frame headers, so one emulator process can
 * drive hundreds of calls.
 */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const calls = checkRange(options.calls, 'calls', 1, 100_000);
  const rampMs = checkRange(options.rampMs ?? 0, 'rampMs', 0, 3_600_000);
  const durationMs = checkRange(options.durationMs, 'durationMs', 20, 24 * 3_600_000);
  const {
    calls: _calls,
    rampMs: _ramp,
    durationMs: _duration,
    caller: recording,
    onCallEnd,
    ...callOptions
  } = options;
  const caller = loop(recording, Math.round(durationMs * 8));
  const started = Date.now();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let done = 0;
  const outcomes = await Promise.all(
    Array.from({ length: calls }, async (_, i) => {
      await new Promise((resolve) =>
        setTimeout(resolve, calls > 1 ? (rampMs * i) / (calls - 1) : 0),
      );
      try {
        return { report: await placeCall({ decode: 'none', ...callOptions, caller, tailMs: 0 }) };
      } catch (error) {
        if (!isTransportError(error)) throw error;
        return { error: error.message };
      } finally {
        onCallEnd?.(++done, calls);
      }
    }),
  );
  loopDelay.disable();
  const reports = outcomes.flatMap((o): CallReport[] => ('report' in o ? [o.report] : []));
  const errors = outcomes.flatMap((o) => ('error' in o ? [o.error] : []));
  return {
    calls,
    connectFailures: errors.length,
    endedEarly: reports.filter((r) => r.end.by !== 'caller').length,
    firstReplyMs: percentiles(reports.flatMap((r) => r.summary.firstReplyMs)),
    bargeInStopMs: percentiles(
      reports.flatMap((r) =>
        r.utterances.flatMap((u) => (u.bargeIn ? [u.bargeIn.botStoppedAfterMs] : [])),
      ),
    ),
    marginMs: percentiles(reports.flatMap((r) => r.margins)),
    underruns: reports.reduce((sum, r) => sum + r.summary.underrunCount, 0),
    underrunMs: reports.reduce((sum, r) => sum + r.summary.underrunMs, 0),
    callsWithUnderruns: reports.filter((r) => r.summary.underrunCount > 0).length,
    chunkJitterMs: percentiles(reports.flatMap((r) => chunkJitter(r.actions))),
    emulatorLoopDelayMs:
      loopDelay.count > 0
        ? {
            count: loopDelay.count,
            p1: loopDelay.percentile(1) / 1e6,
            p50: loopDelay.percentile(50) / 1e6,
            p95: loopDelay.percentile(95) / 1e6,
            p99: loopDelay.percentile(99) / 1e6,
            max: loopDelay.max / 1e6,
          }
        : undefined,
    violations: reports.reduce((sum, r) => sum + r.summary.violations, 0),
    errors: [...new Set(errors)].slice(0, 5),
    wallMs: Date.now() - started,
  };
}

/**
 * Arrival jitter of a call's chunks, ms, as the line sees it: when each chunk came, how
 * much audio was still queued before it (its level), and how far that fell short of the
 * call's typical (median) level. A paced stream sends each chunk when the line is down
 * to about the same level, so a chunk that came late finds less; one that came early
 * (a burst by design: a stream's start, a barge-in, a hand-over) finds more and counts 0.
 * Chunks on an idle line are left out (their gap is an underrun, counted apart).
 */
export function chunkJitter(actions: readonly ActionRecord[]): number[] {
  const levels: number[] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const action of actions) {
    if (action.type !== 'chunk') continue;
    const level = end - action.atMs;
    if (level > 0) levels.push(level);
    end = Math.max(end, action.atMs) + (action.audioMs ?? 0);
  }
  const typical = percentiles(levels)?.p50 ?? 0;
  return levels.map((level) => Math.max(0, typical - level));
}

/** The summary as text. */
export function formatLoadSummary(s: LoadSummary): string {
  const p = (x: Percentiles | undefined) =>
    x
      ? `p50 ${Math.round(x.p50)} ms, p95 ${Math.round(x.p95)} ms, p99 ${Math.round(x.p99)} ms, max ${Math.round(x.max)} ms (${x.count})`
      : 'none';
  const low = (x: Percentiles | undefined) =>
    x ? `p1 ${Math.round(x.p1)} ms, p50 ${Math.round(x.p50)} ms (${x.count})` : 'none';
  return [
    `calls ${s.calls}; connect failures ${s.connectFailures}; ended early by the server ${s.endedEarly}`,
    `first reply: ${p(s.firstReplyMs)}`,
    `stale audio after a barge-in (caller onset → bot silent): ${p(s.bargeInStopMs)}`,
    `margin (audio queued at the caller as each chunk came): ${low(s.marginMs)}`,
    `underruns ${s.underruns} (${Math.round(s.underrunMs)} ms) in ${s.callsWithUnderruns} call(s); violations ${s.violations}`,
    `chunk arrival jitter: ${p(s.chunkJitterMs)}`,
    `emulator event-loop delay: ${p(s.emulatorLoopDelayMs)}`,
    ...s.errors.map((e) => `error: ${e}`),
    `wall time ${(s.wallMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

function loop(recording: Int16Array, length: number): Int16Array {
  const out = new Int16Array(length);
  if (recording.length === 0) return out;
  for (let at = 0; at < length; at += recording.length)
    out.set(recording.subarray(0, Math.min(recording.length, length - at)), at);
  return out;
}
