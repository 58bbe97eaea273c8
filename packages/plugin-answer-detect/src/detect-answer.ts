import type { AudioFrame } from '@psrkit/pipeline';
import { filter, map, type OperatorFunction, take } from 'rxjs';
import { type AnswerDetector, createAnswerDetector } from './answer-detector.js';
import type { AnswerDetectorOptions } from './detector-options.js';
import type { AnswerVerdict } from './verdict.js';

/**
 * Who answered: the call's remote audio in, one {@link AnswerVerdict} out, then completes
 * (and stops listening). Takes a detector, or the options of one (default: the cadence
 * detector with the WebRTC VAD). Errors with `AnswerDetectError` `INVALID_AUDIO` for audio
 * it cannot take; an empty stream is an `unknown` verdict (`no-audio`).
 *
 * @example
 * ```ts
 * const verdict = await firstValueFrom(call.audio().pipe(detectAnswer()));
 * if (verdict.kind !== 'human') call.hangup();
 * ```
 *
 * @param detector - A detector from {@link createAnswerDetector} (make one per process and
 *   reuse it), or its options.
 */
export function detectAnswer(
  detector: AnswerDetector | AnswerDetectorOptions = {},
): OperatorFunction<AudioFrame, AnswerVerdict> {
  const use = isDetector(detector) ? detector : createAnswerDetector(detector);
  return (audio) =>
    use.detect(audio).pipe(
      filter((event) => event.type === 'verdict'),
      map((event) => event.verdict),
      take(1),
    );
}

/** True for an {@link AnswerDetector} (not its options). */
export function isDetector(value: AnswerDetector | AnswerDetectorOptions): value is AnswerDetector {
  return typeof (value as AnswerDetector).detect === 'function';
}
