import type { OperatorFunction } from 'rxjs';
import type { AudioFrame } from './audio-frame.js';
import { codecOperator } from './codec-operator.js';
import { createPcmFramer, type PcmFramerOptions } from './pcm-framer.js';

/**
 * Turns the samples of PSR `media` events into fixed frames per side (default 20 ms),
 * carrying remainders across events; the partial last frame is emitted on completion.
 *
 * @example
 * ```ts
 * media$.pipe(map((e) => e.samples), frameMedia({ layout: 'stereo' }))
 *   .subscribe((frame) => console.log(frame.channel, frame.startSample));
 * ```
 * @param options - payload layout, frame length, stereo channel order
 */
export function frameMedia(options: PcmFramerOptions): OperatorFunction<Int16Array, AudioFrame> {
  return codecOperator(() => createPcmFramer(options));
}
