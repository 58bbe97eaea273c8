import { type ChunkFormat, chunkAction, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { type Observable, Subscription } from 'rxjs';
import type { AudioChunk } from './audio-frame.js';
import { type ChunkSource, createChunkSource } from './chunk-source.js';
import { PipelineError } from './errors.js';
import { DEFAULT_BITRATE_KBPS } from './mp3-encoder.js';
import { createPacer, type Pacer } from './pacer.js';
import { PlayoutClock } from './playout-clock.js';
import { asError, type LineContext, type LineItem, playbackMarks } from './playout-item.js';
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
 * chunk's worth). `playing`: chunks go out, paced. `draining`: everything is sent and
 * plays out until its end timer.
 */
type StreamPhase =
  | { readonly name: 'queued' }
  | ({ readonly name: 'waiting' } & Running)
  | ({ readonly name: 'playing' } & Running)
  | { readonly name: 'draining'; readonly endTimer: Subscription; readonly announce?: Subscription }
  | { readonly name: 'ended' };

/** A PCM stream played as paced `chunk` actions. */
export function streamItem(
  line: LineContext,
  pcm$: Observable<Int16Array>,
  input: { readonly sampleRate: number; readonly format: ChunkFormat; readonly id: string },
  shape: StreamShape,
): LineItem {
  const { scheduler, options } = line;
  const { id, format } = input;
  const clock = new PlayoutClock(() => scheduler.now());
  const source: ChunkSource = createChunkSource({
    sampleRate: input.sampleRate,
    format,
    framesPerChunk: shape.framesPerChunk,
    pcmChunkSamples: shape.pcmChunkSamples,
    bitrateKbps: options.bitrateKbps ?? DEFAULT_BITRATE_KBPS,
    ...(options.mp3Backend && { mp3Backend: options.mp3Backend }),
    ...(options.resamplerQuality && { resamplerQuality: options.resamplerQuality }),
    ...withOutbound(options.outbound?.()),
  });
  let phase: StreamPhase = { name: 'queued' };
  const marks = playbackMarks(line, () => item, 'stream', clock);
  // First-chunk latency, measured only for a stream that starts on an idle line.
  let firstPcmAt: number | undefined;
  let pushedAt: number | undefined;
  let preparing = false;

  const failure = (error: unknown): Error =>
    asError(
      error,
      () => new PipelineError('STAGE_FAILED', String(error), { where: `stream ${id}` }),
    );

  /** The next chunk for the pacer: at the source's end, hands its tail over or flushes it. */
  const pull = (): AudioChunk | undefined => {
    try {
      let chunk = source.next();
      if (!chunk && source.atTail) {
        const next = line.continuationOf(item);
        const continuation = next ? source.handOver() : undefined;
        if (continuation) next!.adopt!(continuation);
        else source.flush();
        chunk = source.next();
      }
      if (!chunk && source.done) drain();
      return chunk;
    } catch (error) {
      item.stop('error', failure(error));
      return undefined;
    }
  };

  const send = (chunk: AudioChunk): boolean => {
    if (!line.sink.send(chunkAction(chunk.data, { format: chunk.format }))) {
      item.stop('closed'); // the call is ending: nothing more goes out
      return false;
    }
    if (phase.name === 'waiting') {
      const { name: _, ...running } = phase;
      phase = { name: 'playing', ...running };
      if (!running.announce) marks.start();
    }
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
    prepareNext();
    return true;
  };

  /** Does the next chunk's work on the shared queue, off the send path. */
  const prepareNext = (): void => {
    const work = options.prepareAhead;
    if (!work || preparing || phase.name === 'ended' || phase.name === 'draining') return;
    preparing = true;
    work.add(() => {
      preparing = false;
      if (phase.name !== 'waiting' && phase.name !== 'playing') return;
      try {
        source.prepare(options.encodeAhead === true);
      } catch (error) {
        item.stop('error', failure(error));
      }
    });
  };

  /** Everything is sent: the stream ends when its audio has played; a continuation may start. */
  const drain = (): void => {
    if (phase.name !== 'waiting' && phase.name !== 'playing') return;
    phase.pacer.stop();
    upstream?.unsubscribe();
    const busyMs = clock.bufferedMs();
    phase = {
      name: 'draining',
      endTimer: scheduler.schedule(
        () => finish({ type: 'playback-end', id, playedMs: clock.sentMs }),
        busyMs,
      ),
      ...(phase.announce && { announce: phase.announce }),
    };
    line.drained(item, scheduler.now() + busyMs);
  };

  const release = (): void => {
    upstream?.unsubscribe(); // also a prefetch that never started
    if (phase.name === 'waiting' || phase.name === 'playing') {
      phase.pacer.stop();
      phase.announce?.unsubscribe();
    } else if (phase.name === 'draining') {
      phase.endTimer.unsubscribe();
      phase.announce?.unsubscribe();
    }
    source.close();
  };
  const finish = (outcome: Parameters<typeof marks.finish>[0], staleUntil?: number): void => {
    release();
    phase = { name: 'ended' };
    marks.finish(outcome, staleUntil);
  };

  // The source's subscription: made at `start`, or earlier by `prefetch` (then the
  // pieces wait in `prefetched` until `start`).
  let upstream: Subscription | undefined;
  const prefetched: Int16Array[] = [];
  let sourceEnded = false;
  let timeFirstChunk = false;
  const onSamples = (samples: Int16Array): void => {
    if (phase.name === 'queued') {
      prefetched.push(samples);
      return;
    }
    pushedAt = scheduler.now();
    if (timeFirstChunk && clock.startedAt === undefined) firstPcmAt ??= pushedAt;
    source.push(samples);
    if (phase.name === 'waiting' || phase.name === 'playing') phase.pacer.wake();
    prepareNext();
  };
  const onSourceEnd = (): void => {
    sourceEnded = true;
    if (phase.name === 'queued') return;
    pushedAt = scheduler.now();
    source.end();
    if (phase.name === 'waiting' || phase.name === 'playing') phase.pacer.wake();
  };
  const subscribeSource = (): void => {
    const subscription = new Subscription();
    upstream = subscription;
    subscription.add(
      pcm$.subscribe({
        next: onSamples,
        error: (error: unknown) => item.stop('error', failure(error)),
        complete: onSourceEnd,
      }),
    ); // unsubscribed at once if the stream already ended
  };

  const item: LineItem = {
    id,
    kind: 'stream',
    playedMs: () => clock.playedMs(),
    takesContinuation: () => phase.name === 'queued' && source.fresh,
    adopt: (continuation) => source.adopt(continuation),
    prefetch() {
      if (phase.name === 'queued' && !upstream) subscribeSource();
    },
    start(afterMs) {
      if (phase.name !== 'queued') return;
      // Continuing audio still playing: this one is heard (starts) when that ends.
      const waitMs = afterMs === undefined ? 0 : afterMs - scheduler.now();
      if (waitMs > 0) clock.continueAfter(afterMs!);
      const announce = waitMs > 0 ? scheduler.schedule(() => marks.start(), waitMs) : undefined;
      const pacer = createPacer(pull, send, {
        leadMs: shape.leadMs,
        scheduler,
        clock,
        writable: () => line.sink.writable(),
        ...(options.onBlocked && { onBlocked: options.onBlocked }),
        ...(options.onPacingLag && { onLag: options.onPacingLag }),
      });
      timeFirstChunk = options.onTiming !== undefined && waitMs <= 0;
      // Known before subscribing: a synchronous source may end the stream at once.
      phase = { name: 'waiting', pacer, announce };
      if (!upstream) subscribeSource();
      else {
        // Prefetched: what the source gave so far goes in first, in order.
        const early = prefetched.splice(0);
        for (const samples of early) onSamples(samples);
        if (sourceEnded) onSourceEnd();
      }
    },
    stop(reason, error) {
      if (phase.name === 'ended') return;
      const playedMs = clock.playedMs();
      const sending = phase.name === 'waiting' || phase.name === 'playing';
      const cut = reason !== 'closed' && sending && clock.startedAt !== undefined;
      if (phase.name === 'waiting' || phase.name === 'playing') phase.pacer.stop();
      upstream?.unsubscribe();
      // An MP3 stream stops on the frame boundary it reached: what its encoder holds is
      // dropped, never sent. A PCM stream ends on a short fade (no codec, no delay).
      const tail = cut ? source.fadeTail(shape.fadeSamples) : undefined;
      if (tail && line.sink.send(chunkAction(tail.data, { format: tail.format })))
        clock.commit(tail.durationMs);
      finish(
        {
          type: 'playback-interrupted',
          id,
          playedMs,
          heardMs: clock.sentMs,
          reason,
          ...(error && { error }),
        },
        clock.startedAt === undefined ? undefined : scheduler.now() + clock.bufferedMs(),
      );
    },
  };
  return item;
}

/** Samples of the PCM fade at the end of an interrupted stream. */
export const fadeSamplesOf = (fadeMs: number): number => (fadeMs * PSR_SAMPLE_RATE) / 1000;
