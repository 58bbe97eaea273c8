import { Observable, type OperatorFunction } from 'rxjs';
import type { AudioChunk } from './audio-frame.js';
import { createPacer, type PacerOptions } from './pacer.js';

/**
 * Emits chunks in real time against an audio clock (see `createPacer`): at most
 * `leadMs` ahead of what the listener has heard, scheduled from the
 * stream's start so timer lateness never accumulates. A source that goes quiet for a
 * while neither stalls the pacer nor lets it race ahead afterwards. Completes when the
 * last chunk has been emitted.
 *
 * @example
 * ```ts
 * chunks$.pipe(pace({ leadMs: 144 })).subscribe((chunk) => socket.send(encodeAction(chunkAction(chunk.data))));
 * ```
 */
export function pace(options: PacerOptions = {}): OperatorFunction<AudioChunk, AudioChunk> {
  return (source) =>
    new Observable<AudioChunk>((subscriber) => {
      const queue: AudioChunk[] = [];
      let sourceDone = false;
      const finishIfDone = (): void => {
        if (sourceDone && queue.length === 0) subscriber.complete();
      };
      const pacer = createPacer(
        () => queue.shift(),
        (chunk) => {
          subscriber.next(chunk);
          finishIfDone();
          return true;
        },
        options,
      );
      const subscription = source.subscribe({
        next(chunk) {
          queue.push(chunk);
          pacer.wake();
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          sourceDone = true;
          finishIfDone();
        },
      });
      return () => {
        pacer.stop();
        subscription.unsubscribe();
      };
    });
}
