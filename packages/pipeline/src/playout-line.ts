import { PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { asyncScheduler, filter, Subject } from 'rxjs';
import { checkInteger, PipelineError } from './errors.js';
import { fileItem } from './file-item.js';
import type { LineContext, LineItem } from './playout-item.js';
import type {
  PlaybackEvent,
  PlaybackHandle,
  PlaybackOutcome,
  PlayMode,
  PlayoutLine,
  PlayoutLineOptions,
  PlayoutSink,
} from './playout-types.js';
import { fadeSamplesOf, type StreamShape, streamItem } from './stream-item.js';

/**
 * Creates the playout line of one call: queued or preempting items, each a WAV file (one
 * `media` action) or a PCM stream (resampled, encoded, chunked and paced `chunk`
 * actions), with playback marks computed on the server's own clock. Actions go to
 * `sink`; audio counts as sent only when the sink took it.
 *
 * PSR has no "clear": audio once sent plays. So streams are paced with at most `leadMs`
 * sent ahead, an interrupted MP3 stream stops on the frame boundary it reached (what its
 * encoder holds is dropped), and whatever starts after an interruption waits for — or,
 * for a stream, is paced after — the audio already sent: an interrupting file never
 * plays over a stream still buffered at the caller, whether or not PSR's `media` cuts a
 * chunk stream.
 *
 * @example
 * ```ts
 * const line = createPlayoutLine({ send: (a) => socket.send(encodeAction(a)), writable: () => true });
 * line.play(greetingWav);
 * const reply = line.stream(tts$, { sampleRate: 24000 });
 * reply.interrupt(); // the caller barged in
 * ```
 */
export function createPlayoutLine(
  sink: PlayoutSink,
  options: PlayoutLineOptions = {},
): PlayoutLine {
  const scheduler = options.scheduler ?? asyncScheduler;
  const shape = streamShape(options);
  const events = new Subject<PlaybackEvent>();
  const queue: LineItem[] = [];
  // By item, not by id: a bot may give two items the same id.
  const outcomes = new Map<LineItem, (outcome: PlaybackOutcome) => void>();
  let current: LineItem | undefined;
  let closed = false;
  let nextId = 1;
  // Until when the line still plays what an interrupted item had sent: what starts next
  // plays after it.
  let staleUntil = Number.NEGATIVE_INFINITY;
  // While an interruption is stopping items: the latest end of the audio they had sent.
  let cutting: { staleUntil: number | undefined } | undefined;

  const sending: PlayoutSink = {
    send: (action) => !closed && sink.send(action),
    writable: () => sink.writable(),
  };
  const context: LineContext = {
    sink: sending,
    scheduler,
    options,
    emit: (event) => events.next(event),
    ended(item, outcome, itemStaleUntil) {
      if (itemStaleUntil !== undefined) {
        staleUntil = Math.max(staleUntil, itemStaleUntil);
        if (cutting) cutting.staleUntil = Math.max(cutting.staleUntil ?? 0, itemStaleUntil);
      }
      // Off the line first, so `busy` is already false when the last outcome is delivered.
      const at = queue.indexOf(item);
      if (at >= 0) queue.splice(at, 1);
      if (current === item) current = undefined;
      events.next(outcome);
      outcomes.get(item)?.(outcome);
      outcomes.delete(item);
      advance();
    },
    drained(item, busyUntil) {
      // A stream queued right after one that has sent everything starts now, paced as
      // the continuation of the same audio, so PSR plays the two back to back.
      const next = successorOf(item);
      if (next?.kind === 'stream' && !closed) next.start(busyUntil);
    },
    continuationOf(item) {
      const next = successorOf(item);
      return next?.takesContinuation?.() ? next : undefined;
    },
  };

  const advance = (): void => {
    if (closed) return;
    if (!current) {
      current = queue.shift();
      current?.start(staleUntil > scheduler.now() ? staleUntil : undefined);
    }
    // The item after the one on the line gets its audio ready meanwhile (a TTS source
    // synthesises while the line plays), so it starts without a gap.
    if (current) queue[0]?.prefetch?.();
  };
  /** The item queued right after `from`, while `from` is on the line. */
  const successorOf = (from: LineItem): LineItem | undefined => {
    const line = current ? [current, ...queue] : queue;
    const at = line.indexOf(from);
    return at >= 0 ? line[at + 1] : undefined;
  };
  const interruptAll = (successor?: LineItem): void =>
    interruption(current?.id, () => {
      for (const item of [...queue].reverse()) item.stop('interrupted');
      current?.stop('interrupted', undefined, successor);
    });
  /** Stops items, and reports once what the caller still hears of the streams it cut. */
  const interruption = (id: string | undefined, stop: () => void): void => {
    const startedAt = scheduler.now();
    const outer = cutting;
    cutting = { staleUntil: undefined };
    const cut = cutting;
    try {
      stop();
    } finally {
      cutting = outer;
    }
    if (cut.staleUntil === undefined || id === undefined) return;
    const now = scheduler.now();
    options.onTiming?.({
      type: 'interrupt',
      id,
      stopMs: now - startedAt,
      staleMs: Math.max(0, cut.staleUntil - now),
    });
  };

  function enqueue(make: (id: string) => LineItem, mode: PlayMode): PlaybackHandle {
    if (closed)
      throw new PipelineError('INVALID_OPTION', 'the playout line is closed', { where: 'playout' });
    const item = make(`${nextId++}`);
    const done = new Promise<PlaybackOutcome>((resolve) => outcomes.set(item, resolve));
    if (mode === 'interrupt') interruptAll(item);
    queue.push(item);
    advance();
    return {
      id: item.id,
      events$: events.pipe(filter((event) => event.id === item.id)),
      done,
      get playedMs() {
        return item.playedMs();
      },
      interrupt: () => interruption(item.id, () => item.stop('interrupted')),
    };
  }

  return {
    events$: events.asObservable(),
    play(audio, playOptions = {}) {
      const mode = playOptions.mode ?? 'queue';
      return enqueue((id) => fileItem(context, audio, mode, playOptions.id ?? id), mode);
    },
    stream(pcm$, streamOptions) {
      const sampleRate = checkInteger(streamOptions.sampleRate, 'stream.sampleRate', 1000, 384_000);
      const format = streamOptions.format ?? options.format ?? 'mp3';
      return enqueue(
        (id) =>
          streamItem(context, pcm$, { sampleRate, format, id: streamOptions.id ?? id }, shape),
        streamOptions.mode ?? 'queue',
      );
    },
    interrupt: () => interruptAll(),
    get busy() {
      return current !== undefined || queue.length > 0;
    },
    close(error) {
      if (closed) return;
      closed = true; // first: nothing is sent or started from here on
      const reason = error ? 'error' : 'closed';
      for (const item of [...queue].reverse()) item.stop(reason, error);
      current?.stop(reason, error);
      events.complete();
    },
  };
}

/** The line's options for streams, checked. */
function streamShape(options: PlayoutLineOptions): StreamShape {
  const pcmChunkMs = checkInteger(options.pcmChunkMs ?? 20, 'playout.pcmChunkMs', 20, 10_000);
  if (pcmChunkMs % 20 !== 0)
    throw new PipelineError('INVALID_OPTION', 'must be a multiple of 20 ms', {
      where: 'playout.pcmChunkMs',
    });
  return {
    leadMs: checkInteger(options.leadMs ?? DEFAULT_LEAD_MS, 'playout.leadMs', 0, 60_000),
    framesPerChunk: checkInteger(options.framesPerChunk ?? 1, 'playout.framesPerChunk', 1, 100),
    pcmChunkSamples: (pcmChunkMs * PSR_SAMPLE_RATE) / 1000,
    fadeSamples: fadeSamplesOf(checkInteger(options.fadeMs ?? 20, 'playout.fadeMs', 0, 1000)),
  };
}

/** The default lead, ms: what the caller still hears after a barge-in (see the README). */
export const DEFAULT_LEAD_MS = 200;
