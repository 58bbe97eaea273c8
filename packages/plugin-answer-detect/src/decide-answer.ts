import {
  defer,
  finalize,
  ignoreElements,
  merge,
  type OperatorFunction,
  Subject,
  takeUntil,
  tap,
} from 'rxjs';
import type { FrameObservation } from './analyse-frames.js';
import { AnswerSession, type SessionConfig } from './answer-session.js';
import type { AnswerEvent } from './verdict.js';

/**
 * Frame observations → the session's events. When the session is done, the frames stop
 * at once (`takeUntil`: even a synchronous source is left), and the session is disposed
 * on teardown.
 */
export function decideAnswer(
  config: SessionConfig,
): OperatorFunction<FrameObservation, AnswerEvent> {
  return (observations) =>
    defer(() => {
      const events = new Subject<AnswerEvent>();
      const done = new Subject<void>();
      const session = new AnswerSession(config, {
        next: (event) => events.next(event),
        complete: () => {
          done.next();
          events.complete();
        },
      });
      const feed = observations.pipe(
        tap({ next: (frame) => session.frame(frame), complete: () => session.end() }),
        takeUntil(done),
        ignoreElements(),
      );
      return merge(events, feed).pipe(finalize(() => session.dispose()));
    });
}
