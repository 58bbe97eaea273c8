import type { OperatorFunction } from 'rxjs';
import type { AudioChunk } from './audio-frame.js';
import { codecOperator } from './codec-operator.js';
import { checkInteger } from './errors.js';
import type { Mp3Frame } from './mp3-encoder.js';

/** Joins consecutive whole MP3 frames into one `mp3` chunk. */
export function joinMp3Frames(frames: readonly Mp3Frame[]): AudioChunk {
  const data = new Uint8Array(frames.reduce((sum, frame) => sum + frame.data.length, 0));
  let offset = 0;
  for (const frame of frames) {
    data.set(frame.data, offset);
    offset += frame.data.length;
  }
  return {
    format: 'mp3',
    data,
    startMs: frames[0]?.startMs ?? 0,
    durationMs: frames.reduce((sum, frame) => sum + frame.durationMs, 0),
  };
}

/**
 * Groups whole MP3 frames into chunks of `framesPerChunk` (default 2 = 144 ms at 8 kHz);
 * the last chunk may hold fewer.
 *
 * @example
 * ```ts
 * frames$.pipe(mp3Chunks({ framesPerChunk: 2 })).subscribe((chunk) => send(chunkAction(chunk.data)));
 * ```
 */
export function mp3Chunks(
  options: { readonly framesPerChunk?: number } = {},
): OperatorFunction<Mp3Frame, AudioChunk> {
  const framesPerChunk = checkInteger(
    options.framesPerChunk ?? 2,
    'mp3Chunks.framesPerChunk',
    1,
    100,
  );
  return codecOperator(() => {
    let held: Mp3Frame[] = [];
    const take = (): AudioChunk[] => {
      const chunk = joinMp3Frames(held);
      held = [];
      return [chunk];
    };
    return {
      push: (frame) => {
        held.push(frame);
        return held.length === framesPerChunk ? take() : [];
      },
      flush: () => (held.length > 0 ? take() : []),
    };
  });
}
