import { PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { asyncScheduler, filter, type SchedulerLike, Subject } from 'rxjs';
import { checkInteger, PipelineError } from './errors.js';
import { fileItem } from './file-item.js';
import { DEFAULT_LEAD_MS } from './pacer.js';
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
import { StaleAudio } from './stale-audio.js';
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
  const line: LineState = {
    sink,
    options,
    scheduler,
    shape: streamShape(options),
    events: new Subject<PlaybackEvent>(),
    queue: [],
    outcomes: new Map(),
    current: undefined,
    closed: false,
    paused: false,
    nextId: 1,
    stale: new StaleAudio(scheduler, options.onTiming),
  };
  const context = lineContext(line);
  return {
    events$: line.events.asObservable(),
    play(audio, playOptions = {}) {
      const mode = playOptions.mode ?? 'queue';
      return enqueue(line, (id) => fileItem(context, audio, mode, playOptions.id ?? id), mode);
    },
    stream(pcm$, streamOptions) {
      const sampleRate = checkInteger(streamOptions.sampleRate, 'stream.sampleRate', 1000, 384_000);
      const format = streamOptions.format ?? options.format ?? 'mp3';
      return enqueue(
        line,
        (id) =>
          streamItem(context, pcm$, { sampleRate, format, id: streamOptions.id ?? id }, line.shape),
        streamOptions.mode ?? 'queue',
      );
    },
    interrupt: () => interruptAll(line),
    pause: () => pauseLine(line),
    resume: () => resumeLine(line),
    get paused() {
      return line.paused;
    },
    get busy() {
      return line.current !== undefined || line.queue.length > 0;
    },
    close: (error) => closeLine(line, error),
  };
}

/**
 * What one playout line holds: its items (the one on the line, then the queue), the
 * promise of each item's outcome, and what the caller still hears of stopped ones. Each
 * change is a module function over it.
 */
interface LineState {
  readonly sink: PlayoutSink;
  readonly options: PlayoutLineOptions;
  readonly scheduler: SchedulerLike;
  readonly shape: StreamShape;
  readonly events: Subject<PlaybackEvent>;
  /** Items waiting their turn, in order. */
  readonly queue: LineItem[];
  /** By item, not by id: a bot may give two items the same id. */
  readonly outcomes: Map<LineItem, (outcome: PlaybackOutcome) => void>;
  /** The item on the line. */
  current: LineItem | undefined;
  /** Closed: nothing is sent or started any more. */
  closed: boolean;
  /** Paused: the stream on the line sends nothing, and no queued item starts. */
  paused: boolean;
  nextId: number;
  readonly stale: StaleAudio;
}

/** What the line's items may ask of it, and report to it. */
function lineContext(line: LineState): LineContext {
  const context: LineContext = {
    sink: {
      send: (action) => !line.closed && line.sink.send(action),
      writable: () => line.sink.writable(),
    },
    scheduler: line.scheduler,
    options: line.options,
    emit: (event) => line.events.next(event),
    ended: (item, outcome, staleUntil) => itemEnded(line, item, outcome, staleUntil),
    drained(item, busyUntil) {
      // A stream queued right after one that has sent everything starts now, paced as
      // the continuation of the same audio, so PSR plays the two back to back.
      const next = successorOf(line, item);
      if (next?.kind === 'stream' && !line.closed) next.start(busyUntil);
    },
    paused: () => line.paused,
    continuationOf(item) {
      const next = successorOf(line, item);
      return next?.takesContinuation?.() ? next : undefined;
    },
  };
  return context;
}

/** An item ended: off the line, its outcome out, and the next one starts. */
function itemEnded(
  line: LineState,
  item: LineItem,
  outcome: PlaybackOutcome,
  staleUntil: number | undefined,
): void {
  line.stale.ended(staleUntil);
  // Off the line first, so `busy` is already false when the last outcome is delivered.
  const at = line.queue.indexOf(item);
  if (at >= 0) line.queue.splice(at, 1);
  if (line.current === item) line.current = undefined;
  if (!line.current && line.queue.length === 0) line.paused = false; // nothing left to hold
  line.events.next(outcome);
  line.outcomes.get(item)?.(outcome);
  line.outcomes.delete(item);
  advance(line);
}

/** Starts the next item when the line is free; the one after it gets its audio ready meanwhile. */
function advance(line: LineState): void {
  if (line.closed || line.paused) return;
  if (!line.current) {
    line.current = line.queue.shift();
    line.current?.start(line.stale.startAfter());
  }
  // The item after the one on the line gets its audio ready meanwhile (a TTS source
  // synthesises while the line plays), so it starts without a gap.
  if (line.current) line.queue[0]?.prefetch?.();
}

/** The item on the line, then the queued ones. */
const itemsOf = (line: LineState): LineItem[] =>
  line.current ? [line.current, ...line.queue] : line.queue;

/** The item queued right after `from`, while `from` is on the line. */
function successorOf(line: LineState, from: LineItem): LineItem | undefined {
  const items = itemsOf(line);
  const at = items.indexOf(from);
  return at >= 0 ? items[at + 1] : undefined;
}

/**
 * Stops every item, the queued ones first; `successor`: the item that interrupts them.
 * A pause ends with them: nothing is left to resume, and what comes next plays at once.
 */
function interruptAll(line: LineState, successor?: LineItem): void {
  line.paused = false;
  line.stale.cut(line.current?.id, () => {
    for (const item of [...line.queue].reverse()) item.stop('interrupted');
    line.current?.stop('interrupted', undefined, successor);
  });
}

/** Queues an item made with the line's next id, or starts it now, interrupting the rest. */
function enqueue(line: LineState, make: (id: string) => LineItem, mode: PlayMode): PlaybackHandle {
  if (line.closed)
    throw new PipelineError('INVALID_OPTION', 'the playout line is closed', { where: 'playout' });
  const item = make(`${line.nextId++}`);
  const done = new Promise<PlaybackOutcome>((resolve) => line.outcomes.set(item, resolve));
  if (mode === 'interrupt') interruptAll(line, item);
  line.queue.push(item);
  advance(line);
  return {
    id: item.id,
    events$: line.events.pipe(filter((event) => event.id === item.id)),
    done,
    get playedMs() {
      return item.playedMs();
    },
    interrupt: () => line.stale.cut(item.id, () => item.stop('interrupted')),
  };
}

/**
 * Pauses the line: the stream on it stops sending at a chunk boundary (the audio already
 * sent plays out: PSR has no pause), and no queued item starts. A file already sent plays
 * on. Nothing is dropped. Idempotent; a no-op on an idle or closed line. The pause ends
 * on `resume`, on an interruption, or when the line runs out of items.
 */
function pauseLine(line: LineState): void {
  if (line.closed || line.paused || itemsOf(line).length === 0) return;
  line.paused = true;
  for (const item of itemsOf(line)) item.pause?.();
}

/** Resumes the line: the stream goes on from the chunk after the last one sent, or the next item starts. */
function resumeLine(line: LineState): void {
  if (!line.paused) return;
  line.paused = false;
  if (line.closed) return;
  // The stream queued next may have started already, as the continuation of the current one.
  for (const item of itemsOf(line)) item.resume?.();
  advance(line);
}

/** Closes the line: every item ends (`closed`, or `error` with the error), nothing more goes out. */
function closeLine(line: LineState, error: Error | undefined): void {
  if (line.closed) return;
  line.closed = true; // first: nothing is sent or started from here on
  const reason = error ? 'error' : 'closed';
  for (const item of [...line.queue].reverse()) item.stop(reason, error);
  line.current?.stop(reason, error);
  line.events.complete();
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
