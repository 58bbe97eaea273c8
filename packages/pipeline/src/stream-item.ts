import { type ChunkFormat, chunkAction, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import type { Observable, Subscription } from 'rxjs';
import type { AudioChunk } from './audio-frame.js';
import { type ChunkSource, type Continuation, createChunkSource } from './chunk-source.js';
import { PipelineError } from './errors.js';
import { FirstChunkTiming } from './first-chunk-timing.js';
import { DEFAULT_BITRATE_KBPS } from './mp3-encoder.js';
import { createPacer, type Pacer } from './pacer.js';
import { PlayoutClock } from './playout-clock.js';
import { asError, type LineContext, type LineItem, playbackMarks } from './playout-item.js';
import type { InterruptReason, PlaybackOutcome } from './playout-types.js';
import { SourceFeed } from './source-feed.js';
import { withOutbound } from './stage-chain.js';

/** How a stream's chunks are cut, resolved from the line's options. */
export interface StreamShape {
  readonly leadMs: number;
  readonly framesPerChunk: number;
  readonly pcmChunkSamples: number;
  readonly fadeSamples: number;
}

/** Timers and subscriptions a started stream holds. */
interface Running {
  readonly pacer: Pacer;
  /** `playback-start` of a stream that continues earlier audio: when that audio ends. */
  readonly announce: Subscription | undefined;
}

/**
 * Where a stream is. `waiting`: started, nothing sent yet (its source has not given a
 * chunk's worth). `playing`: chunks go out, paced. `paused`: started, nothing goes out
 * until resumed (its pacer is gone; `from` is the phase it goes back to, and its source
 * keeps filling the chunk source meanwhile). `draining`: everything is sent and plays
 * out until its end timer.
 */
type StreamPhase =
  | { readonly name: 'queued' }
  | ({ readonly name: 'waiting' } & Running)
  | ({ readonly name: 'playing' } & Running)
  | {
      readonly name: 'paused';
      readonly from: 'waiting' | 'playing';
      readonly announce: Subscription | undefined;
    }
  | { readonly name: 'draining'; readonly endTimer: Subscription; readonly announce?: Subscription }
  | { readonly name: 'ended' };

/** The phases that send: started, with a pacer. */
type Sending = Extract<StreamPhase, { readonly name: 'waiting' | 'playing' }>;

const isSending = (phase: StreamPhase): phase is Sending =>
  phase.name === 'waiting' || phase.name === 'playing';

/** A PCM stream played as paced `chunk` actions. */
export function streamItem(
  line: LineContext,
  pcm$: Observable<Int16Array>,
  input: { readonly sampleRate: number; readonly format: ChunkFormat; readonly id: string },
  shape: StreamShape,
): LineItem {
  return new StreamItem(line, pcm$, input, shape);
}

/**
 * A stream on the line: its phase, its clock and marks, the chunks made from its source,
 * and the subscription to that source. A class: the line holds it by identity and calls
 * its methods, and each handler (a piece, the source's end, a chunk due, a stop) is one
 * method over the phase.
 */
class StreamItem implements LineItem {
  readonly kind = 'stream';
  readonly id: string;
  private phase: StreamPhase = { name: 'queued' };
  private readonly clock: PlayoutClock;
  private readonly source: ChunkSource;
  private readonly marks: ReturnType<typeof playbackMarks>;
  private readonly feed: SourceFeed;
  private readonly timing: FirstChunkTiming;
  /** A chunk's work is queued on `prepareAhead`. */
  private preparing = false;

  constructor(
    private readonly line: LineContext,
    pcm$: Observable<Int16Array>,
    input: { readonly sampleRate: number; readonly format: ChunkFormat; readonly id: string },
    private readonly shape: StreamShape,
  ) {
    const { scheduler, options } = line;
    this.id = input.id;
    this.clock = new PlayoutClock(() => scheduler.now());
    this.source = createChunkSource({
      sampleRate: input.sampleRate,
      format: input.format,
      framesPerChunk: shape.framesPerChunk,
      pcmChunkSamples: shape.pcmChunkSamples,
      bitrateKbps: options.bitrateKbps ?? DEFAULT_BITRATE_KBPS,
      ...(options.mp3Backend && { mp3Backend: options.mp3Backend }),
      ...(options.resamplerQuality && { resamplerQuality: options.resamplerQuality }),
      ...withOutbound(options.outbound?.()),
    });
    this.marks = playbackMarks(line, () => this, 'stream', this.clock);
    this.timing = new FirstChunkTiming(this.id, options.onTiming, () => scheduler.now());
    this.feed = new SourceFeed(pcm$, {
      samples: (samples) => this.onSamples(samples),
      end: () => this.onSourceEnd(),
      error: (error) => this.stop('error', this.failure(error)),
    });
  }

  playedMs(): number {
    return this.clock.playedMs();
  }

  takesContinuation(): boolean {
    return this.phase.name === 'queued' && this.source.fresh;
  }

  adopt(continuation: Continuation): void {
    this.source.adopt(continuation);
  }

  prefetch(): void {
    if (this.phase.name === 'queued') this.feed.prefetch();
  }

  start(afterMs?: number): void {
    if (this.phase.name !== 'queued') return;
    const { scheduler } = this.line;
    // Continuing audio still playing: this one is heard (starts) when that ends.
    const waitMs = afterMs === undefined ? 0 : afterMs - scheduler.now();
    if (waitMs > 0) this.clock.continueAfter(afterMs!);
    const announce = waitMs > 0 ? scheduler.schedule(() => this.marks.start(), waitMs) : undefined;
    this.timing.arm(waitMs <= 0);
    // Known before subscribing: a synchronous source may end the stream at once. On a
    // paused line it starts paused: its source fills the chunk source, nothing goes out.
    this.phase = this.line.paused()
      ? { name: 'paused', from: 'waiting', announce }
      : { name: 'waiting', pacer: this.pacer(), announce };
    this.feed.start();
  }

  pause(): void {
    const phase = this.phase;
    if (!isSending(phase)) return;
    // Between two sends: what is not sent stays in the chunk source (the MP3 encoder too).
    phase.pacer.stop();
    this.phase = { name: 'paused', from: phase.name, announce: phase.announce };
  }

  resume(): void {
    const phase = this.phase;
    if (phase.name !== 'paused') return;
    // A new pacer on the same clock: the clock's playout end has passed, so the next
    // chunk goes out now and the lead refills as at a start; nothing is sent to make up
    // for the pause (the gap is silence on the line).
    const pacer = this.pacer();
    this.phase = { name: phase.from, pacer, announce: phase.announce };
    pacer.wake();
  }

  stop(reason: InterruptReason, error?: Error): void {
    const phase = this.phase;
    if (phase.name === 'ended') return;
    const { clock, line } = this;
    const playedMs = clock.playedMs();
    const cut =
      reason !== 'closed' &&
      (isSending(phase) || phase.name === 'paused') &&
      clock.startedAt !== undefined;
    if (isSending(phase)) phase.pacer.stop();
    this.feed.close();
    // An MP3 stream stops on the frame boundary it reached: what its encoder holds is
    // dropped, never sent. A PCM stream ends on a short fade (no codec, no delay).
    const tail = cut ? this.source.fadeTail(this.shape.fadeSamples) : undefined;
    if (tail && line.sink.send(chunkAction(tail.data, { format: tail.format })))
      clock.commit(tail.durationMs);
    this.finish(
      {
        type: 'playback-interrupted',
        id: this.id,
        playedMs,
        heardMs: clock.sentMs,
        reason,
        ...(error && { error }),
      },
      clock.startedAt === undefined ? undefined : line.scheduler.now() + clock.bufferedMs(),
    );
  }

  /** A pacer for this stream, on its clock. */
  private pacer(): Pacer {
    const { scheduler, options } = this.line;
    return createPacer(
      () => this.pull(),
      (chunk) => this.send(chunk),
      {
        leadMs: this.shape.leadMs,
        scheduler,
        clock: this.clock,
        writable: () => this.line.sink.writable(),
        ...(options.onBlocked && { onBlocked: options.onBlocked }),
        ...(options.onPacingLag && { onLag: options.onPacingLag }),
      },
    );
  }

  /** The next chunk for the pacer: at the source's end, hands its tail over or flushes it. */
  private pull(): AudioChunk | undefined {
    const source = this.source;
    try {
      let chunk = source.next();
      if (!chunk && source.atTail) {
        const next = this.line.continuationOf(this);
        const continuation = next ? source.handOver() : undefined;
        if (continuation) next!.adopt!(continuation);
        else source.flush();
        chunk = source.next();
      }
      if (!chunk && source.done) this.drain();
      return chunk;
    } catch (error) {
      this.stop('error', this.failure(error));
      return undefined;
    }
  }

  /** Sends a chunk the pacer let out; the first one starts the marks (unless announced later). */
  private send(chunk: AudioChunk): boolean {
    const { line } = this;
    if (!line.sink.send(chunkAction(chunk.data, { format: chunk.format }))) {
      this.stop('closed'); // the call is ending: nothing more goes out
      return false;
    }
    if (this.phase.name === 'waiting') {
      const { name: _, ...running } = this.phase;
      this.phase = { name: 'playing', ...running };
      if (!running.announce) this.marks.start();
    }
    this.timing.sent();
    this.prepareNext();
    return true;
  }

  /** Does the next chunk's work on the shared queue, off the send path. */
  private prepareNext(): void {
    const work = this.line.options.prepareAhead;
    if (!work || this.preparing || !isSending(this.phase)) return;
    this.preparing = true;
    work.add(() => {
      this.preparing = false;
      if (!isSending(this.phase)) return;
      try {
        this.source.prepare(this.line.options.encodeAhead === true);
      } catch (error) {
        this.stop('error', this.failure(error));
      }
    });
  }

  /** Everything is sent: the stream ends when its audio has played; a continuation may start. */
  private drain(): void {
    const phase = this.phase;
    if (!isSending(phase)) return;
    const { scheduler } = this.line;
    phase.pacer.stop();
    this.feed.close();
    const busyMs = this.clock.bufferedMs();
    this.phase = {
      name: 'draining',
      endTimer: scheduler.schedule(
        () => this.finish({ type: 'playback-end', id: this.id, playedMs: this.clock.sentMs }),
        busyMs,
      ),
      ...(phase.announce && { announce: phase.announce }),
    };
    this.line.drained(this, scheduler.now() + busyMs);
  }

  private onSamples(samples: Int16Array): void {
    this.timing.piece(this.clock.startedAt !== undefined);
    this.source.push(samples);
    if (isSending(this.phase)) this.phase.pacer.wake();
    this.prepareNext();
  }

  private onSourceEnd(): void {
    this.timing.sourceEnded();
    this.source.end();
    if (isSending(this.phase)) this.phase.pacer.wake();
  }

  /** Frees the stream's timers, subscriptions and encoder, and reports its outcome once. */
  private finish(outcome: PlaybackOutcome, staleUntil?: number): void {
    const phase = this.phase;
    this.feed.close(); // also a prefetch that never started
    if (isSending(phase)) phase.pacer.stop();
    if (isSending(phase) || phase.name === 'draining' || phase.name === 'paused')
      phase.announce?.unsubscribe();
    if (phase.name === 'draining') phase.endTimer.unsubscribe();
    this.source.close();
    this.phase = { name: 'ended' };
    this.marks.finish(outcome, staleUntil);
  }

  private failure(error: unknown): Error {
    return asError(
      error,
      () => new PipelineError('STAGE_FAILED', String(error), { where: `stream ${this.id}` }),
    );
  }
}

/** Samples of the PCM fade at the end of an interrupted stream. */
export const fadeSamplesOf = (fadeMs: number): number => (fadeMs * PSR_SAMPLE_RATE) / 1000;
