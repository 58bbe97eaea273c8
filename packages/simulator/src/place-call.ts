import { performance } from 'node:perf_hooks';
import {
  type AudioProblem,
  type DecodeMode,
  EmulatedLine,
  type LineInterval,
  playAction,
} from '@psrkit/line';
import type { CallSide } from '@psrkit/pipeline';
import { type DecodedPsrAction, PSR_SAMPLE_RATE, type PsrChannel } from '@psrkit/protocol';
import { connectAsPsr, type ReceivedAction } from '@psrkit/transport';
import type {
  ActionRecord,
  CallEndRecord,
  CallReport,
  TimelineEntry,
  UtteranceReport,
  Violation,
} from './call-report.js';
import { checkRange, SimulatorError } from './errors.js';
import { findUtterances, type Utterance } from './find-utterances.js';
import { type Percentiles, percentiles } from './percentiles.js';

/** A piece of caller speech placed on the call's clock. */
export interface CallerSegment {
  readonly atMs: number;
  /** Mono, 8000 Hz. */
  readonly samples: Int16Array;
}

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
    throw new SimulatorError(
      'INVALID_OPTION',
      'pieceMs',
      'must be a multiple of 0.125 ms (one sample)',
    );
  const channel = options.channel ?? 'mono_a';
  const side = options.side ?? (channel === 'mono_b' ? 'b' : 'a');
  const decode = options.decode ?? 'stream';
  const caller = composeCaller(options.caller);
  const totalSamples = caller.length + Math.round(tailMs * RATE);

  const line = new EmulatedLine({
    decode,
    ...(options.mediaCutsStream !== undefined && { mediaCutsStream: options.mediaCutsStream }),
  });
  const timeline: TimelineEntry[] = [];
  const actions: ActionRecord[] = [];
  const violations: Violation[] = [];
  let transfer: CallReport['transfer'];
  let hangup: CallReport['hangup'];
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

  const violation = (atMs: number, code: string, message: string, frame: string | Uint8Array) => {
    const excerpt =
      typeof frame === 'string'
        ? frame.slice(0, 160)
        : Buffer.from(frame.subarray(0, 80)).toString('hex');
    const record: Violation = { atMs, code, message, excerpt };
    violations.push(record);
    note({ kind: 'violation', ...record });
  };
  const audioProblems = (atMs: number, problems: readonly AudioProblem[], frame: string) => {
    for (const p of problems) violation(atMs, p.code, p.message, frame);
  };

  /** Plays one action on the line; runs in arrival order. */
  async function obey(received: ReceivedAction, atMs: number): Promise<void> {
    if (!received.ok) {
      violation(atMs, received.error.code, received.error.message, received.frame);
      return;
    }
    const action: DecodedPsrAction = received.action;
    if (action.type === 'unknown') {
      violation(
        atMs,
        'UNKNOWN_ACTION',
        `unknown event ${JSON.stringify(action.event)}`,
        received.frame,
      );
      return;
    }
    if (action.extraFields)
      violation(
        atMs,
        'EXTRA_FIELDS',
        `fields outside the contract: ${action.extraFields.join(', ')}`,
        received.frame,
      );
    if (transfer || hangup) {
      violation(
        atMs,
        'ACTION_AFTER_END',
        `${action.type} after the call was ${transfer ? 'transferred' : 'hung up'}`,
        received.frame,
      );
      return;
    }
    const at = Math.round(atMs * RATE);
    const played = await playAction(line, action, at);
    audioProblems(atMs, played.problems, received.frame);
    const bytes = action.type === 'media' || action.type === 'chunk' ? action.payload.length : 0;
    let record: ActionRecord;
    switch (action.type) {
      case 'media':
        record = {
          atMs,
          type: 'media',
          bytes,
          audioMs: played.samples / RATE,
          isSync: action.isSync,
        };
        break;
      case 'chunk':
        record = {
          atMs,
          type: 'chunk',
          bytes,
          audioMs: played.samples / RATE,
          format: action.format,
        };
        break;
      case 'transfer':
        transfer = { atMs, extension: action.extension };
        record = { atMs, type: 'transfer', bytes, extension: action.extension };
        break;
      case 'hangup':
        hangup = { atMs };
        record = { atMs, type: 'hangup', bytes };
        break;
    }
    actions.push(record);
    note({ kind: 'action', ...record });
    if (action.type === 'transfer' || action.type === 'hangup') finish('bot', 1000, action.type);
  }

  let queue = Promise.resolve();
  client.actions$.subscribe((received) => {
    const atMs = nowMs();
    // A failure in the emulator itself is reported as such and never stalls the queue.
    queue = queue
      .then(() => obey(received, atMs))
      .catch((error: unknown) =>
        violation(
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
      client.sendMedia(piece(sent));
      sent += pieceSamples;
    }
    if (sent >= totalSamples) return finish('caller', 1000, 'caller hung up');
    timer = setTimeout(sendDue, Math.max(0, ((sent + pieceSamples) / RATE - nowMs()) / speed));
  };
  const piece = (from: number): Int16Array => {
    const spoken = caller.subarray(from, Math.min(from + pieceSamples, caller.length));
    const padded = spoken.length === pieceSamples ? spoken : new Int16Array(pieceSamples);
    if (padded !== spoken) padded.set(spoken); // past the recording: silence
    const sideOf = (which: CallSide) => (which === side ? padded : line.read(from, pieceSamples));
    if (channel !== 'stereo') return sideOf(channel === 'mono_a' ? 'a' : 'b');
    const a = sideOf('a');
    const b = sideOf('b');
    const stereo = new Int16Array(pieceSamples * 2);
    for (let i = 0; i < pieceSamples; i++) {
      stereo[2 * i] = a[i]!;
      stereo[2 * i + 1] = b[i]!;
    }
    return stereo;
  };
  sendDue();

  const finalEnd = await ended;
  await client.closed;
  await queue;
  options.signal?.removeEventListener('abort', onAbort);
  line.close();
  note({ kind: 'closed', ...finalEnd });

  const endSample = Math.max(Math.round(finalEnd.atMs * RATE), 0);
  const botAudio = line.botAudio().filter((b) => b.kind !== 'prompt');
  const heard = line.heard();
  const utterances = answerTimes(
    findUtterances(caller.subarray(0, Math.min(caller.length, endSample))),
    botAudio,
    decode === 'none' ? undefined : heard,
  );
  for (const u of utterances) note({ atMs: u.startMs, kind: 'caller-speech', endMs: u.endMs });
  for (const b of botAudio)
    note({ atMs: b.startMs, kind: 'bot-audio', endMs: b.endMs, source: b.kind });
  for (const u of line.underruns) note({ atMs: u.atMs, kind: 'underrun', gapMs: u.gapMs });
  for (const c of line.cuts) note({ atMs: c.atMs, kind: 'cut', cutMs: c.cutMs, by: c.by });
  for (const t of line.talkOver) note({ atMs: t.atMs, kind: 'talk-over', overlapMs: t.overlapMs });
  timeline.sort((a, b) => a.atMs - b.atMs);

  const count = (type: ActionRecord['type']) => actions.filter((a) => a.type === type).length;
  const bargeIns = utterances.flatMap((u) => (u.bargeIn ? [u.bargeIn.botStoppedAfterMs] : []));
  return {
    callId: client.callId,
    channel,
    decode,
    durationMs: finalEnd.atMs,
    caller: caller.subarray(0, Math.min(caller.length, endSample)),
    heard,
    actions,
    violations,
    utterances,
    botAudio,
    underruns: line.underruns,
    cuts: line.cuts,
    talkOver: line.talkOver,
    margins: line.margins,
    ...(transfer && { transfer }),
    ...(hangup && { hangup }),
    end: finalEnd,
    timeline,
    summary: {
      actions: {
        media: count('media'),
        chunk: count('chunk'),
        transfer: count('transfer'),
        hangup: count('hangup'),
      },
      botAudioMs: botAudio.reduce((sum, b) => sum + b.endMs - b.startMs, 0),
      firstReplyMs: utterances.flatMap((u) =>
        u.firstReplyMs === undefined ? [] : [u.firstReplyMs],
      ),
      underrunCount: line.underruns.length,
      underrunMs: line.underruns.reduce((sum, u) => sum + u.gapMs, 0),
      bargeIns: bargeIns.length,
      maxBargeInStopMs: bargeIns.length ? Math.max(...bargeIns) : undefined,
      staleAudioMs: pick(percentiles(bargeIns), 'p50', 'p95', 'max'),
      marginMs: pick(percentiles(line.margins), 'p1', 'p50'),
      violations: violations.length,
    },
  };
}

/** Some of the percentiles, or undefined when there were no figures. */
function pick<K extends keyof Percentiles>(
  figures: Percentiles | undefined,
  ...names: K[]
): Pick<Percentiles, K> | undefined {
  if (!figures) return undefined;
  return Object.fromEntries(names.map((name) => [name, figures[name]])) as Pick<Percentiles, K>;
}

/** Lays caller pieces on one track (mixing where they overlap). */
function composeCaller(caller: Int16Array | readonly CallerSegment[]): Int16Array {
  if (caller instanceof Int16Array) return caller;
  const length = Math.max(0, ...caller.map((s) => Math.round(s.atMs * RATE) + s.samples.length));
  const track = new Int16Array(length);
  for (const { atMs, samples } of caller) {
    const at = Math.round(atMs * RATE);
    for (let i = 0; i < samples.length; i++)
      track[at + i] = Math.max(-32768, Math.min(32767, track[at + i]! + samples[i]!));
  }
  return track;
}

/**
 * For each utterance: when the bot's next audio started (after its end, before the
 * next utterance ends), and if the bot was talking when it began, how long it went on:
 * to the last audible sound of that stretch of bot audio when it was decoded (codec
 * delay and fades included), else to the actions' nominal end.
 */
function answerTimes(
  utterances: Utterance[],
  bot: readonly LineInterval[],
  heard: Int16Array | undefined,
): UtteranceReport[] {
  return utterances.map((u, i) => {
    const nextEnd = utterances[i + 1]?.endMs ?? Number.POSITIVE_INFINITY;
    const reply = bot.find((b) => b.startMs >= u.endMs && b.startMs < nextEnd);
    const talking = bot.find((b) => b.startMs <= u.startMs && b.endMs > u.startMs);
    let stop = talking?.endMs;
    // Follow contiguous bot audio (a file running into a stream) to where it really stops.
    for (const b of bot)
      if (stop !== undefined && b.startMs <= stop && b.endMs > stop) stop = b.endMs;
    if (stop !== undefined && heard) stop = lastAudible(heard, u.startMs, stop);
    return {
      ...u,
      ...(reply && { firstReplyMs: reply.startMs - u.endMs }),
      ...(stop !== undefined && { bargeIn: { botStoppedAfterMs: stop - u.startMs } }),
    };
  });
}

/** Where `pcm` was last audible (above −50 dBFS in 10 ms blocks) between `fromMs` and `limitMs`. */
function lastAudible(pcm: Int16Array, fromMs: number, limitMs: number): number {
  const block = 10 * RATE;
  const from = Math.floor(fromMs / 10) * block;
  for (
    let end = Math.min(pcm.length, Math.ceil(limitMs / 10) * block);
    end - block >= from;
    end -= block
  ) {
    let sum = 0;
    for (let i = end - block; i < end; i++) sum += pcm[i]! * pcm[i]!;
    if (Math.sqrt(sum / block) >= 104) return Math.min(end / RATE, limitMs);
  }
  return fromMs;
}
