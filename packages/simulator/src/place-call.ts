import { type DecodeMode, EmulatedLine } from '@psrkit/line';
import type { CallSide } from '@psrkit/pipeline';
import { PSR_SAMPLE_RATE, type PsrChannel } from '@psrkit/protocol';
import { connectAsPsr, type ReceivedAction } from '@psrkit/transport/client';
import type { Observable } from 'rxjs';
import { ActionJudge } from './action-judge.js';
import type { CallReport, TimelineEntry } from './call-report.js';
import { summariseCall } from './call-summary.js';
import { type CallerSegment, composeCaller } from './caller-track.js';
import { CallClock, type CallerTrack, EmulatedCaller } from './emulated-caller.js';
import { checkRange, SimulatorError } from './errors.js';
import { lineNoise } from './line-noise.js';

export type { CallerSegment } from './caller-track.js';

/** Options of {@link placeCall}: the bot's URL, the caller's audio and how the emulated PSR behaves. */
export interface PlaceCallOptions {
  /** The bot server's WebSocket URL (it may carry its own query, e.g. a token). */
  readonly url: string;
  /** Default `sim`. */
  readonly tenant?: string;
  /** Dynamic query parameters, e.g. `{ danh_xung: 'anh' }`. */
  readonly params?: Readonly<Record<string, string>>;
  /** Extra upgrade headers (e.g. `authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** For `wss://`: certificates to trust instead of the system's, PEM (a private CA, a self-signed server). */
  readonly ca?: string | Buffer;
  /** Default: a fresh UUID. */
  readonly callId?: string;
  /**
   * Payload layout (default `mono_a`): `mono_a` carries side A, `mono_b` side B, `stereo`
   * both (A left, B right).
   */
  readonly channel?: PsrChannel;
  /**
   * The side that carries the caller's voice; the other side carries what the line plays
   * (the bot, as PSR hears it). Default: `b` for `mono_b`, else `a` (an inbound call: the
   * caller is the calling party). An outbound create-stream call has the customer on `b`.
   */
  readonly side?: CallSide;
  /** The caller: one recording from t = 0 (mono, 8 kHz), or pieces placed in time. */
  readonly caller: Int16Array | readonly CallerSegment[];
  /**
   * Audio PSR plays to the caller itself once connected, before any action (create-stream's
   * `audio_file`): mono, 8 kHz. On the line and in `heard`, not counted as bot audio.
   */
  readonly prompt?: Int16Array;
  /** Audio per `media` event, ms (default 20). */
  readonly pieceMs?: number;
  /** Run the call's clock this many times faster than real time (default 1). Gaps and latencies are only meaningful at 1. */
  readonly speed?: number;
  /** How MP3 chunks are decoded (default `stream`). */
  readonly decode?: DecodeMode;
  /**
   * Whether a `media` with `is_sync: false` also cuts a chunk stream that plays (default
   * true; PSR's pages do not say). With `false` such a file plays over the rest of the
   * stream, and the report's `talkOver` says where.
   */
  readonly mediaCutsStream?: boolean;
  /** Keep the call up this long after the caller's last audio, sending silence (default 5000 ms). */
  readonly tailMs?: number;
  /** Send low line noise (about −60 dBFS) instead of digital silence after the caller's audio (default false). */
  readonly tailNoise?: boolean;
  /** Hangs up (as the caller) when aborted. */
  readonly signal?: AbortSignal;
  /** Each timeline entry as it happens (progress displays). */
  readonly onTimeline?: (entry: TimelineEntry) => void;
}

const RATE = PSR_SAMPLE_RATE / 1000;

/**
 * Places one call against a bot server exactly as PSR does, plays the bot's actions on
 * an emulated line, checks each one strictly, and reports what happened.
 *
 * @example
 * ```ts
 * const report = await placeCall({ url: 'ws://127.0.0.1:8080/', caller: await loadCallerAudio('caller.wav') });
 * console.log(formatReport(report));
 * ```
 * @throws {TransportError} `CONNECT_FAILED` when the server refuses or cannot be reached
 */
export async function placeCall(options: PlaceCallOptions): Promise<CallReport> {
  const { track, speed, decode } = planCall(options);
  const { channel } = track;
  const line = new EmulatedLine({
    decode,
    ...(options.mediaCutsStream !== undefined && { mediaCutsStream: options.mediaCutsStream }),
  });
  const timeline: TimelineEntry[] = [];
  const note = (entry: TimelineEntry) => {
    timeline.push(entry);
    options.onTimeline?.(entry);
  };

  const client = connectAsPsr(options.url, {
    tenant: options.tenant ?? 'sim',
    channel,
    ...(options.callId && { callId: options.callId }),
    ...(options.params && { params: options.params }),
    ...(options.headers && { headers: options.headers }),
    ...(options.ca !== undefined && { ca: options.ca }),
  });
  const clock = new CallClock(speed);
  const caller = new EmulatedCaller(client, line, track, clock);
  const judge = new ActionJudge(line, note, (reason) => caller.finish('bot', 1000, reason));
  const judged = judgeInOrder(client.actions$, judge, clock);
  void client.closed.then(({ code, reason }) =>
    caller.finish('server', code, reason || 'socket closed'),
  );
  const onAbort = () => caller.finish('caller', 1000, 'aborted');

  await client.opened;
  clock.start();
  if (options.prompt?.length) line.playFile(options.prompt, true, 0, 'prompt');
  client.sendConnected();
  note({ atMs: 0, kind: 'connected', callId: client.callId });
  caller.sendDue();
  // A hang-up asked before the socket opened waited for it (closing a socket still
  // connecting fails the call instead of ending it): the call is up, and ends at once.
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  const finalEnd = await caller.ended;
  await client.closed;
  await judged.drained();
  options.signal?.removeEventListener('abort', onAbort);
  line.close();
  note({ kind: 'closed', ...finalEnd });

  return summariseCall({
    callId: client.callId,
    channel,
    decode,
    caller: track.caller,
    line,
    actions: judge.actions,
    violations: judge.violations,
    transfer: judge.transfer,
    hangup: judge.hangup,
    end: finalEnd,
    timeline,
    note,
  });
}

/** A call's options, checked: the caller's track as PSR sends it, the clock's speed, the decoding. */
function planCall(options: PlaceCallOptions): {
  track: CallerTrack;
  speed: number;
  decode: DecodeMode;
} {
  const pieceMs = checkRange(options.pieceMs ?? 20, 'pieceMs', 1, 10_000);
  const speed = checkRange(options.speed ?? 1, 'speed', 0.1, 1000);
  const tailMs = checkRange(options.tailMs ?? 5000, 'tailMs', 0, 3_600_000);
  const pieceSamples = Math.round(pieceMs * RATE);
  if (pieceSamples !== pieceMs * RATE)
    throw new SimulatorError('INVALID_OPTION', 'must be a multiple of 0.125 ms (one sample)', {
      path: 'pieceMs',
    });
  const channel = options.channel ?? 'mono_a';
  const caller = composeCaller(options.caller);
  const track: CallerTrack = {
    caller,
    channel,
    side: options.side ?? (channel === 'mono_b' ? 'b' : 'a'),
    pieceSamples,
    totalSamples: caller.length + Math.round(tailMs * RATE),
    tail: options.tailNoise ? lineNoise() : undefined,
  };
  return { track, speed, decode: options.decode ?? 'stream' };
}

/**
 * Judges the bot's actions one after another, in arrival order, each timed as it came;
 * a failure of the emulator itself is a violation and never stalls the rest.
 */
function judgeInOrder(
  actions$: Observable<ReceivedAction>,
  judge: ActionJudge,
  clock: CallClock,
): { drained(): Promise<void> } {
  let queue = Promise.resolve();
  actions$.subscribe((received) => {
    const atMs = clock.nowMs();
    queue = queue
      .then(() => judge.obey(received, atMs))
      .catch((error: unknown) =>
        judge.violation(
          atMs,
          'EMULATOR_ERROR',
          `the emulator failed on this action: ${(error as Error).message}`,
          received.frame,
        ),
      );
  });
  return { drained: () => queue };
}
