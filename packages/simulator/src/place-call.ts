import { performance } from 'node:perf_hooks';
import { type DecodeMode, EmulatedLine } from '@psrkit/line';
import type { CallSide } from '@psrkit/pipeline';
import { PSR_SAMPLE_RATE, type PsrChannel } from '@psrkit/protocol';
import { connectAsPsr } from '@psrkit/transport/client';
import { createActionJudge } from './action-judge.js';
import type { CallEndRecord, CallReport, TimelineEntry } from './call-report.js';
import { summariseCall } from './call-summary.js';
import { type CallerSegment, callerPiece, composeCaller } from './caller-track.js';
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
  const pieceMs = checkRange(options.pieceMs ?? 20, 'pieceMs', 1, 10_000);
  const speed = checkRange(options.speed ?? 1, 'speed', 0.1, 1000);
  const tailMs = checkRange(options.tailMs ?? 5000, 'tailMs', 0, 3_600_000);
  const pieceSamples = Math.round(pieceMs * RATE);
  if (pieceSamples !== pieceMs * RATE)
    throw new SimulatorError('INVALID_OPTION', 'must be a multiple of 0.125 ms (one sample)', {
      path: 'pieceMs',
    });
  const channel = options.channel ?? 'mono_a';
  const side = options.side ?? (channel === 'mono_b' ? 'b' : 'a');
  const decode = options.decode ?? 'stream';
  const caller = composeCaller(options.caller);
  const totalSamples = caller.length + Math.round(tailMs * RATE);
  const tail = options.tailNoise ? lineNoise() : undefined;

  const line = new EmulatedLine({
    decode,
    ...(options.mediaCutsStream !== undefined && { mediaCutsStream: options.mediaCutsStream }),
  });
  const timeline: TimelineEntry[] = [];
  let end: CallEndRecord | undefined;
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
  });
  // The call's clock starts when the socket opens; actions racing the open are at 0.
  let t0: number | undefined;
  const nowMs = () => (t0 === undefined ? 0 : (performance.now() - t0) * speed);

  const judge = createActionJudge(line, note, (reason) => finish('bot', 1000, reason));
  let queue = Promise.resolve();
  client.actions$.subscribe((received) => {
    const atMs = nowMs();
    // A failure in the emulator itself is reported as such and never stalls the queue.
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

  let timer: NodeJS.Timeout | undefined;
  let finishing: ((record: CallEndRecord) => void) | undefined;
  const ended = new Promise<CallEndRecord>((resolve) => {
    finishing = resolve;
  });
  /** Ends the call once: PSR sends `closed` and closes the socket. */
  function finish(by: CallEndRecord['by'], code: number, reason: string): void {
    if (end) return;
    clearTimeout(timer);
    end = { atMs: nowMs(), by, code, reason };
    if (by !== 'server') {
      client.sendClosed();
      void client.close(1000, reason);
    }
    finishing!(end);
  }
  void client.closed.then(({ code, reason }) => finish('server', code, reason || 'socket closed'));
  const onAbort = () => finish('caller', 1000, 'aborted');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  await client.opened;
  t0 = performance.now();
  if (options.prompt?.length) line.playFile(options.prompt, true, 0, 'prompt');
  client.sendConnected();
  note({ atMs: 0, kind: 'connected', callId: client.callId });

  let sent = 0;
  const sendDue = () => {
    if (end) return;
    while (sent < totalSamples && (sent + pieceSamples) / RATE <= nowMs()) {
      client.sendMedia(callerPiece(caller, line, { channel, side }, sent, pieceSamples, tail));
      sent += pieceSamples;
    }
    if (sent >= totalSamples) return finish('caller', 1000, 'caller hung up');
    timer = setTimeout(sendDue, Math.max(0, ((sent + pieceSamples) / RATE - nowMs()) / speed));
  };
  sendDue();

  const finalEnd = await ended;
  await client.closed;
  await queue;
  options.signal?.removeEventListener('abort', onAbort);
  line.close();
  note({ kind: 'closed', ...finalEnd });

  return summariseCall({
    callId: client.callId,
    channel,
    decode,
    caller,
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
