import {
  type ChunkFormat,
  chunkAction,
  mediaAction,
  type PcmAudio,
  PSR_SAMPLE_RATE,
  type PsrAction,
  pcm16ToBytes,
} from '@psrkit/protocol';
import {
  asyncScheduler,
  filter,
  type Observable,
  type SchedulerLike,
  Subject,
  type Subscription,
} from 'rxjs';
import type { AudioChunk } from './audio-frame.js';
import { checkInteger, PipelineError } from './errors.js';
import { fadeOut, glideToSilence } from './fade.js';
import { joinMp3Frames } from './mp3-chunks.js';
import {
  createMp3Encoder,
  type Mp3Encoder,
  type Mp3EncoderBackendFactory,
  type Mp3Frame,
} from './mp3-encoder.js';
import { createPacer, type Pacer } from './pacer.js';
import { PlayoutClock } from './playout-clock.js';
import { toPsrWav } from './psr-wav.js';
import { createResampler, type Resampler, type ResamplerQuality } from './resampler.js';
import type { WorkQueue } from './work-queue.js';

/** `queue`: play after everything before it. `interrupt`: stop everything, play now. */
export type PlayMode = 'queue' | 'interrupt';

/** Why an item stopped before its end. */
export type InterruptReason = 'interrupted' | 'error' | 'closed';

/** Virtual marks: what the server's playout clock says each item is doing. */
export type PlaybackEvent =
  | { readonly type: 'playback-start'; readonly id: string; readonly kind: 'file' | 'stream' }
  | { readonly type: 'playback-progress'; readonly id: string; readonly playedMs: number }
  | { readonly type: 'playback-end'; readonly id: string; readonly playedMs: number }
  | {
      readonly type: 'playback-interrupted';
      readonly id: string;
      /** What the caller had heard when the item was stopped. */
      readonly playedMs: number;
      /** What the caller will have heard in all: `playedMs` plus audio already sent (the lead and the fade). */
      readonly heardMs: number;
      readonly reason: InterruptReason;
      readonly error?: Error;
    };

/** The last event of an item: exactly one per item. */
export type PlaybackOutcome = Extract<
  PlaybackEvent,
  { type: 'playback-end' | 'playback-interrupted' }
>;

/** A queued or playing item. */
export interface PlaybackHandle {
  readonly id: string;
  /** This item's events. */
  readonly events$: Observable<PlaybackEvent>;
  /** What the caller has heard of it so far. */
  readonly playedMs: number;
  /** Resolves with its final event. */
  readonly done: Promise<PlaybackOutcome>;
  /** Stops it (and only it). */
  interrupt(): void;
}

export interface PlayoutSchedulerOptions {
  /**
   * The most stream audio the caller still hears after an interruption, before the fade,
   * ms (default 400): audio sent ahead of the caller plus, for MP3, the encoder's delay
   * (lamejs: 138 ms). Keep it above that delay plus one chunk and some network jitter.
   */
  readonly leadMs?: number;
  /** Chunk format for streams (default `mp3`). */
  readonly format?: ChunkFormat;
  /** MP3 bitrate, kbps (default 32). */
  readonly bitrateKbps?: number;
  /** MP3 frames per chunk (default 2 = 144 ms). */
  readonly framesPerChunk?: number;
  /** PCM16 chunk length, ms, a multiple of 20 (default 20). */
  readonly pcmChunkMs?: number;
  /** Fade at the end of an interrupted stream, ms (default 20). */
  readonly fadeMs?: number;
  /** How often `playback-progress` is emitted, ms (default 250; 0 for never). */
  readonly progressIntervalMs?: number;
  readonly resamplerQuality?: ResamplerQuality;
  /** MP3 engine (default lamejs). */
  readonly mp3Backend?: Mp3EncoderBackendFactory;
  readonly scheduler?: SchedulerLike;
  /** Backpressure from the transport; see `createPacer`. */
  readonly canSend?: () => boolean;
  readonly onBlocked?: () => void;
  /** Lateness of each paced send, ms (see `createPacer`'s `onLag`): feed a histogram. */
  readonly onPacingLag?: (lateMs: number) => void;
  /**
   * Prepare each stream's next chunk on this queue right after a send instead of when it
   * is due: resample its audio (free: nothing more is committed to the caller) and, with
   * `encodeAhead`, MP3-encode it. Shared by many calls, it keeps one call's work from
   * delaying another's send (default: none, chunks are made when due).
   */
  readonly prepareAhead?: WorkQueue;
  /**
   * With `prepareAhead`, encode the next MP3 chunk ahead too (default false): sends only
   * write, but audio once encoded is heard even after an interruption, so it counts
   * against `leadMs` and less is sent ahead (see the pacer's `minMarginMs` floor).
   */
  readonly encodeAhead?: boolean;
  /** Latency figures of streams as they happen (see {@link PlayoutTiming}): feed histograms. */
  readonly onTiming?: (timing: PlayoutTiming) => void;
}

/**
 * What the line measures on the scheduler's clock, ms.
 * - `first-chunk`: a stream that started on an idle line sent its first chunk:
 *   `sinceFirstPcmMs` from its first PCM piece, `processingMs` from the piece that
 *   completed the chunk (resampling, encoding and the write; the wait for enough audio
 *   excluded).
 * - `interrupt`: a playing stream was cut: `stopMs` to stop it and send its last
 *   (fade) chunk, `staleMs` of audio the caller still hears after the cut (the lead
 *   sent ahead, the codec's delay and the fade).
 */
export type PlayoutTiming =
  | {
      readonly type: 'first-chunk';
      readonly id: string;
      readonly sinceFirstPcmMs: number;
      readonly processingMs: number;
    }
  | {
      readonly type: 'interrupt';
      readonly id: string;
      readonly stopMs: number;
      readonly staleMs: number;
    };

/** A call's single playout line. */
export interface PlayoutScheduler {
  /** Actions to send to PSR, in order. Hot: subscribe before playing. */
  readonly actions$: Observable<PsrAction>;
  /** Every item's events. Hot. */
  readonly events$: Observable<PlaybackEvent>;
  /** Plays a file (any WAV, or PCM at any rate) as one `media` action. */
  play(
    audio: Uint8Array | PcmAudio,
    options?: { readonly mode?: PlayMode; readonly id?: string },
  ): PlaybackHandle;
  /**
   * Streams PCM pieces (mono, `sampleRate`) as paced `chunk` actions. Unsubscribed at once
   * when interrupted, so upstream work (TTS) stops. Pieces are read as chunks need them,
   * so a source must not reuse an array it has emitted.
   */
  stream(
    pcm$: Observable<Int16Array>,
    options: {
      readonly sampleRate: number;
      readonly mode?: PlayMode;
      readonly format?: ChunkFormat;
      readonly id?: string;
    },
  ): PlaybackHandle;
  /** Stops the playing item and drops the queued ones. */
  interrupt(): void;
  /** True while an item is playing or queued. */
  readonly busy: boolean;
  /**
   * Ends every item and completes both streams; nothing more is sent. Items end with
   * `reason: 'closed'`, or `'error'` carrying `error` when one is given (a failed bot).
   */
  close(error?: Error): void;
}

interface Item {
  readonly id: string;
  readonly kind: 'file' | 'stream';
  readonly events$: Observable<PlaybackEvent>;
  readonly done: Promise<PlaybackOutcome>;
  /**
   * Starts playing; `afterMs` (streams): the line is busy until then with the previous
   * stream, which this one continues without a seam, or with what an interrupted stream
   * had sent. Idempotent.
   */
  start(afterMs?: number): void;
  /** `successor`: the item that preempts this one, if any. */
  stop(reason: InterruptReason, error?: Error, successor?: Item): void;
  playedMs(): number;
  /** Streams only. True for an MP3 stream not yet started: it can go on with the previous stream's encoder. */
  acceptsEncoder?(): boolean;
  /**
   * Streams only. Takes over the previous stream's encoder, the PCM it had not fed yet
   * and the audio the encoder still holds (`backlog` samples).
   */
  adopt?(encoder: Mp3Encoder, leftover: Int16Array, lastSample: number, backlog: number): void;
}

/**
 * Creates the playout line of one call: queued or preempting items, each a WAV file (one
 * `media` action) or a PCM stream (resampled, encoded, chunked and paced `chunk` actions),
 * with virtual playback marks computed on the server's own clock.
 *
 * @example
 * ```ts
 * const line = createPlayoutScheduler({ leadMs: 400 });
 * line.actions$.subscribe((action) => socket.send(encodeAction(action)));
 * line.play(greetingWav);
 * const reply = line.stream(tts$, { sampleRate: 24000 });
 * // caller barges in:
 * reply.interrupt();
 * ```
 */
export function createPlayoutScheduler(options: PlayoutSchedulerOptions = {}): PlayoutScheduler {
  const scheduler = options.scheduler ?? asyncScheduler;
  const leadMs = checkInteger(options.leadMs ?? 400, 'playout.leadMs', 0, 60_000);
  const fadeSamples =
    (checkInteger(options.fadeMs ?? 20, 'playout.fadeMs', 0, 1000) * PSR_SAMPLE_RATE) / 1000;
  const progressIntervalMs = options.progressIntervalMs ?? 250;
  const framesPerChunk = checkInteger(
    options.framesPerChunk ?? 2,
    'playout.framesPerChunk',
    1,
    100,
  );
  const pcmChunkSamples =
    (checkInteger(options.pcmChunkMs ?? 20, 'playout.pcmChunkMs', 20, 10_000) * PSR_SAMPLE_RATE) /
    1000;
  if (pcmChunkSamples % 160 !== 0)
    throw new PipelineError('INVALID_OPTION', 'playout.pcmChunkMs', 'must be a multiple of 20 ms');
  const actions = new Subject<PsrAction>();
  const events = new Subject<PlaybackEvent>();
  const queue: Item[] = [];
  let current: Item | undefined;
  let closed = false;
  let nextId = 1;
  // Until when the line still plays what an interrupted stream had sent (its lead, the
  // audio its encoder held and its fade): what starts next plays after it.
  let staleUntil = Number.NEGATIVE_INFINITY;

  const send = (action: PsrAction): void => {
    if (!closed) actions.next(action);
  };

  const advance = (): void => {
    if (current || closed) return;
    current = queue.shift();
    current?.start(staleUntil > scheduler.now() ? staleUntil : undefined);
  };

  /**
   * A stream has sent all it has: a stream queued after it starts now, paced as the
   * continuation of the same line, so PSR plays the two back to back.
   */
  const handOver = (from: Item, lineBusyUntil: number): void => {
    const next = successorOf(from);
    if (next?.kind === 'stream' && !closed) next.start(lineBusyUntil);
  };
  /** The item queued right after `from`, while `from` is on the line. */
  const successorOf = (from: Item): Item | undefined => {
    const line = current ? [current, ...queue] : queue;
    const at = line.indexOf(from);
    return at >= 0 ? line[at + 1] : undefined;
  };

  /** Builds the bookkeeping every item shares: events, progress timer, exactly-once end. */
  function track(id: string, kind: 'file' | 'stream', clock: PlayoutClock, cleanup: () => void) {
    let settled: ((outcome: PlaybackOutcome) => void) | undefined;
    const done = new Promise<PlaybackOutcome>((resolve) => {
      settled = resolve;
    });
    let progress: Subscription | undefined;
    let ended = false;
    const events$ = events.pipe(filter((event) => event.id === id));
    return {
      events$,
      done,
      get ended() {
        return ended;
      },
      started() {
        events.next({ type: 'playback-start', id, kind });
        if (progressIntervalMs > 0) {
          progress = scheduler.schedule(function tick() {
            events.next({ type: 'playback-progress', id, playedMs: clock.playedMs() });
            this.schedule(undefined, progressIntervalMs);
          }, progressIntervalMs);
        }
      },
      finish(outcome: PlaybackOutcome) {
        if (ended) return;
        ended = true;
        progress?.unsubscribe();
        cleanup();
        events.next(outcome);
        settled?.(outcome);
        const index = queue.findIndex((item) => item.id === id);
        if (index >= 0) queue.splice(index, 1);
        if (current?.id === id) {
          current = undefined;
          advance();
        }
      },
    };
  }

  function enqueue(make: (id: string) => Item, mode: PlayMode): PlaybackHandle {
    if (closed) throw new PipelineError('INVALID_OPTION', 'playout', 'the playout line is closed');
    const item = make(`${nextId++}`);
    if (mode === 'interrupt') interruptAll(item);
    queue.push(item);
    advance();
    return handleFor(item);
  }

  function interruptAll(successor?: Item): void {
    for (const item of [...queue].reverse()) item.stop('interrupted');
    current?.stop('interrupted', undefined, successor);
  }

  function fileItem(audio: Uint8Array | PcmAudio, mode: PlayMode, id: string): Item {
    const { wav, durationMs } = toPsrWav(
      audio,
      options.resamplerQuality ? { quality: options.resamplerQuality } : {},
    );
    const clock = new PlayoutClock(() => scheduler.now());
    let endTimer: Subscription | undefined;
    const life = track(id, 'file', clock, () => endTimer?.unsubscribe());
    const item: Item = {
      id,
      kind: 'file',
      events$: life.events$,
      done: life.done,
      playedMs: () => clock.playedMs(),
      start() {
        send(mediaAction(wav, { isSync: mode === 'queue' }));
        clock.commit(durationMs);
        life.started();
        endTimer = scheduler.schedule(
          () => life.finish({ type: 'playback-end', id, playedMs: durationMs }),
          durationMs,
        );
      },
      stop(reason, error, successor) {
        if (life.ended) return;
        const playing = clock.startedAt !== undefined;
        // PSR has no "stop": a short silent file with is_sync false cuts the one playing,
        // unless the item taking over is itself such a file.
        if (playing && reason === 'interrupted' && successor?.kind !== 'file') {
          send(mediaAction(SILENCE_WAV, { isSync: false }));
        }
        const playedMs = clock.playedMs();
        life.finish({
          type: 'playback-interrupted',
          id,
          playedMs,
          heardMs: playedMs,
          reason,
          ...(error && { error }),
        });
      },
    };
    return item;
  }

  function streamItem(
    pcm$: Observable<Int16Array>,
    sampleRate: number,
    format: ChunkFormat,
    id: string,
  ): Item {
    const resampler: Resampler | undefined =
      sampleRate === PSR_SAMPLE_RATE
        ? undefined
        : createResampler({
            inputRate: sampleRate,
            outputRate: PSR_SAMPLE_RATE,
            ...(options.resamplerQuality && { quality: options.resamplerQuality }),
          });
    const clock = new PlayoutClock(() => scheduler.now());
    const input = new PieceQueue(); // as the source gave it, at `sampleRate`
    let resamplerFlushed = resampler === undefined;
    const pending = new PcmQueue(); // at 8 kHz, not yet encoded or sent
    let encoder: Mp3Encoder | undefined;
    const frames: Mp3Frame[] = [];
    let encoderFlushed = false;
    let sourceDone = false;
    let lastSample = 0;
    let startMs = 0;
    let upstream: Subscription | undefined;
    let endTimer: Subscription | undefined;
    let pacer: Pacer | undefined;
    let started = false;
    let announce: Subscription | undefined; // playback-start of a stream continuing another
    let firstPcmAt: number | undefined; // set while the first chunk is awaited on an idle line
    let pushedAt: number | undefined; // when the source last gave audio
    let backlogSamples = 0; // audio in the encoder not yet out as frames (its delay first)
    let prepareQueued = false;
    const life = track(id, 'stream', clock, () => {
      upstream?.unsubscribe();
      pacer?.stop();
      announce?.unsubscribe();
      endTimer?.unsubscribe();
      encoder?.close();
    });

    const pcmChunk = (samples: Int16Array): AudioChunk => {
      const chunk = {
        format: 'pcm16' as const,
        data: pcm16ToBytes(samples),
        startMs,
        durationMs: (samples.length * 1000) / PSR_SAMPLE_RATE,
      };
      startMs += chunk.durationMs;
      if (samples.length > 0) lastSample = samples[samples.length - 1]!;
      return chunk;
    };
    const openEncoder = (): Mp3Encoder => {
      if (!encoder) {
        encoder = createMp3Encoder({
          bitrateKbps: options.bitrateKbps ?? 32,
          ...(options.mp3Backend && { backend: options.mp3Backend }),
        });
        backlogSamples = encoder.delaySamples;
      }
      return encoder;
    };
    const encoded = (out: readonly Mp3Frame[]): void => {
      for (const frame of out) {
        frames.push(frame);
        backlogSamples -= (frame.durationMs * PSR_SAMPLE_RATE) / 1000;
      }
    };
    const feed = (samples: Int16Array): void => {
      backlogSamples += samples.length;
      encoded(openEncoder().encode(samples));
      if (samples.length > 0) lastSample = samples[samples.length - 1]!;
    };
    const takeFrames = (count: number): AudioChunk | undefined =>
      frames.length === 0 ? undefined : joinMp3Frames(frames.splice(0, count));

    /** Resamples source audio, a piece at a time, until `count` samples wait at 8 kHz or it runs out. */
    const fill = (count: number): void => {
      while (pending.length < count) {
        const piece = input.shift();
        if (piece) pending.push(resampler ? resampler.push(piece) : piece);
        else if (sourceDone && !resamplerFlushed) {
          pending.push(resampler!.flush());
          resamplerFlushed = true;
        } else return;
      }
    };
    /** Every sample of the source is at 8 kHz in `pending`. */
    const allIn = (): boolean => sourceDone && resamplerFlushed && input.length === 0;

    /**
     * Encodes until `count` MP3 frames are ready or the audio runs out. At the end of the
     * source, a stream queued right after this one goes on with the same encoder once
     * this one's frames are sent (`mayHandOver`: only where the hand-over to it follows at
     * once): no flush, so no padding and no codec delay between the two.
     */
    const encodeUpTo = (count: number, mayHandOver: boolean): void => {
      while (frames.length < count && !encoderFlushed) {
        fill(576);
        if (pending.length >= 576) feed(pending.take(576));
        else if (allIn()) {
          const next = successorOf(item);
          if (encoder && next?.acceptsEncoder?.() && next.adopt) {
            if (frames.length > 0 || !mayHandOver) break;
            next.adopt(encoder, pending.take(pending.length), lastSample, backlogSamples);
            encoder = undefined;
            encoderFlushed = true; // no more frames from this stream
            break;
          }
          feed(pending.take(pending.length));
          encoded(encoder!.flush());
          encoderFlushed = true;
        } else break;
      }
    };

    /** The next chunk the pacer may send: prepared ahead, or made now. */
    const pull = (): AudioChunk | undefined => {
      let chunk: AudioChunk | undefined;
      if (format === 'pcm16') {
        fill(pcmChunkSamples);
        if (pending.length >= pcmChunkSamples || (allIn() && pending.length > 0))
          chunk = pcmChunk(pending.take(pcmChunkSamples));
      } else {
        encodeUpTo(framesPerChunk, true);
        // At the end of the source the last frames go out as they are (a shorter chunk).
        if (frames.length >= framesPerChunk || encoderFlushed || allIn())
          chunk = takeFrames(framesPerChunk);
      }
      if (!chunk) finishIfDrained();
      return chunk;
    };

    /**
     * Prepares the next chunk on the work queue, off the send path: the timer wake that
     * sends it then only writes it.
     */
    const prepareAhead = (): void => {
      const work = options.prepareAhead;
      if (!work || prepareQueued || life.ended) return;
      prepareQueued = true;
      work.add(() => {
        prepareQueued = false;
        if (life.ended) return;
        try {
          if (format === 'mp3' && options.encodeAhead) encodeUpTo(framesPerChunk, false);
          else fill(format === 'pcm16' ? pcmChunkSamples : framesPerChunk * 576);
        } catch (error) {
          item.stop(
            'error',
            error instanceof Error
              ? error
              : new PipelineError('STAGE_FAILED', `stream ${id}`, String(error)),
          );
        }
      });
    };

    const finishIfDrained = (): void => {
      const drained =
        format === 'pcm16'
          ? allIn() && pending.length === 0
          : encoderFlushed && frames.length === 0;
      if (!drained || life.ended || endTimer) return;
      endTimer = scheduler.schedule(
        () => life.finish({ type: 'playback-end', id, playedMs: clock.sentMs }),
        clock.bufferedMs(),
      );
      handOver(item, scheduler.now() + clock.bufferedMs());
    };

    const item: Item = {
      id,
      kind: 'stream',
      events$: life.events$,
      done: life.done,
      playedMs: () => clock.playedMs(),
      acceptsEncoder: () => format === 'mp3' && !started && !life.ended,
      adopt(inherited, leftover, previousSample, backlog) {
        encoder?.close();
        encoder = inherited;
        backlogSamples = backlog;
        pending.push(leftover);
        lastSample = previousSample;
      },
      start(afterMs) {
        if (started) return;
        started = true;
        // Continuing a stream still playing: this one is heard (starts) when that one ends.
        const waitMs = afterMs === undefined ? 0 : afterMs - scheduler.now();
        if (waitMs > 0) {
          clock.continueAfter(afterMs!);
          announce = scheduler.schedule(() => life.started(), waitMs);
        }
        if (format === 'mp3') openEncoder();
        pacer = createPacer(
          pull,
          (chunk) => {
            if (clock.startedAt === undefined && !announce) life.started();
            send(chunkAction(chunk.data, { format: chunk.format }));
            prepareAhead();
            if (firstPcmAt !== undefined && pushedAt !== undefined) {
              const now = scheduler.now();
              options.onTiming?.({
                type: 'first-chunk',
                id,
                sinceFirstPcmMs: now - firstPcmAt,
                processingMs: now - pushedAt,
              });
              firstPcmAt = undefined;
            }
          },
          {
            leadMs,
            // What the encoder holds (its delay, and a frame or two it buffers) and frames
            // encoded ahead: the caller hears them after an interruption too.
            reservedMs: heldMs,
            scheduler,
            clock,
            ...(options.canSend && { canSend: options.canSend }),
            ...(options.onBlocked && { onBlocked: options.onBlocked }),
            ...(options.onPacingLag && { onLag: options.onPacingLag }),
          },
        );
        const timeFirstChunk = options.onTiming !== undefined && !(waitMs > 0);
        upstream = pcm$.subscribe({
          next(samples) {
            pushedAt = scheduler.now();
            if (timeFirstChunk && clock.startedAt === undefined) firstPcmAt ??= pushedAt;
            input.push(samples);
            pacer!.wake();
            prepareAhead();
          },
          error(error: unknown) {
            const failure =
              error instanceof Error
                ? error
                : new PipelineError('STAGE_FAILED', `stream ${id}`, String(error));
            item.stop('error', failure);
          },
          complete() {
            pushedAt = scheduler.now();
            sourceDone = true;
            pacer!.wake();
          },
        });
      },
      stop(reason, error) {
        if (life.ended) return;
        const stopAt = scheduler.now();
        upstream?.unsubscribe();
        pacer?.stop();
        announce?.unsubscribe();
        const playedMs = clock.playedMs();
        const aheadMs = audioAheadMs();
        // Cut mid-source: end on a fade. Fully sent (drained): it ends as its source did.
        const fading = reason !== 'closed' && clock.startedAt !== undefined && !endTimer;
        if (fading) sendFadeTail();
        if (reason === 'interrupted' && clock.startedAt !== undefined) {
          staleUntil = Math.max(staleUntil, scheduler.now() + clock.bufferedMs());
          options.onTiming?.({
            type: 'interrupt',
            id,
            stopMs: scheduler.now() - stopAt,
            staleMs: aheadMs + (fading ? (fadeSamples * 1000) / PSR_SAMPLE_RATE : 0),
          });
        }
        life.finish({
          type: 'playback-interrupted',
          id,
          playedMs,
          heardMs: clock.sentMs,
          reason,
          ...(error && { error }),
        });
      },
    };

    /** Audio committed but not sent: held in the encoder, and encoded ahead. */
    const heldMs = (): number => {
      let ms = encoder && !encoderFlushed ? (backlogSamples * 1000) / PSR_SAMPLE_RATE : 0;
      for (const frame of frames) ms += frame.durationMs;
      return ms;
    };
    /** Audio the caller will still hear if the stream stops now (before its fade). */
    const audioAheadMs = (): number => clock.bufferedMs() + heldMs();

    /** Ends what was sent with a short fade instead of a click (see the README). */
    const sendFadeTail = (): void => {
      fill(fadeSamples);
      const next = pending.take(Math.min(fadeSamples, pending.length));
      const tail =
        next.length >= fadeSamples
          ? fadeOut(next, fadeSamples)
          : glideToSilence(next.length > 0 ? next[0]! : lastSample, fadeSamples);
      if (format === 'pcm16') {
        if (tail.length > 0) sendChunk(pcmChunk(tail));
        return;
      }
      if (encoder && !encoderFlushed) {
        feed(tail);
        encoded(encoder.flush());
        encoderFlushed = true;
      }
      const chunk = takeFrames(frames.length);
      if (chunk) sendChunk(chunk);
    };
    const sendChunk = (chunk: AudioChunk): void => {
      send(chunkAction(chunk.data, { format: chunk.format }));
      clock.commit(chunk.durationMs);
    };

    return item;
  }

  function handleFor(item: Item): PlaybackHandle {
    return {
      id: item.id,
      events$: item.events$,
      done: item.done,
      get playedMs() {
        return item.playedMs();
      },
      interrupt: () => item.stop('interrupted'),
    };
  }

  return {
    actions$: actions.asObservable(),
    events$: events.asObservable(),
    play(audio, playOptions = {}) {
      const mode = playOptions.mode ?? 'queue';
      return enqueue((id) => fileItem(audio, mode, playOptions.id ?? id), mode);
    },
    stream(pcm$, streamOptions) {
      checkInteger(streamOptions.sampleRate, 'stream.sampleRate', 1000, 384_000);
      const format = streamOptions.format ?? options.format ?? 'mp3';
      return enqueue(
        (id) => streamItem(pcm$, streamOptions.sampleRate, format, streamOptions.id ?? id),
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
      actions.complete();
      events.complete();
    },
  };
}

/** 20 ms of silence: sent with is_sync false to cut a file that is playing. */
const SILENCE_WAV = toPsrWav({
  sampleRate: PSR_SAMPLE_RATE,
  channels: 1,
  samples: new Int16Array(160),
}).wav;

/** A FIFO of PCM pieces taken whole. */
class PieceQueue {
  private pieces: Int16Array[] = [];
  private head = 0;

  get length(): number {
    return this.pieces.length - this.head;
  }

  push(piece: Int16Array): void {
    if (piece.length > 0) this.pieces.push(piece);
  }

  shift(): Int16Array | undefined {
    if (this.head === this.pieces.length) return undefined;
    const piece = this.pieces[this.head++]!;
    if (this.head === this.pieces.length) {
      this.pieces = [];
      this.head = 0;
    }
    return piece;
  }
}

/** A FIFO of PCM pieces read in arbitrary sizes. */
class PcmQueue {
  private pieces: Int16Array[] = [];
  private offset = 0;
  length = 0;

  push(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.pieces.push(samples);
    this.length += samples.length;
  }

  /** The next `count` samples (fewer at the end): a view when they lie in one piece. */
  take(count: number): Int16Array {
    const head = this.pieces[0];
    if (head && head.length - this.offset >= count) {
      const view = head.subarray(this.offset, this.offset + count);
      this.offset += count;
      this.length -= count;
      if (this.offset === head.length) {
        this.pieces.shift();
        this.offset = 0;
      }
      return view;
    }
    const out = new Int16Array(Math.min(count, this.length));
    let filled = 0;
    while (filled < out.length) {
      const head = this.pieces[0]!;
      const n = Math.min(out.length - filled, head.length - this.offset);
      out.set(head.subarray(this.offset, this.offset + n), filled);
      filled += n;
      this.offset += n;
      if (this.offset === head.length) {
        this.pieces.shift();
        this.offset = 0;
      }
    }
    this.length -= out.length;
    return out;
  }
}
