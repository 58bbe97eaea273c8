import type { AudioFrame } from '@psrkit/pipeline';
import { type Observable, ReplaySubject } from 'rxjs';
import { type AnswerDetector, createAnswerDetector } from './answer-detector.js';
import { isDetector } from './detect-answer.js';
import type { AnswerDetectorOptions } from './detector-options.js';
import type { AnswerEvent, AnswerVerdict, GreetingEnd } from './verdict.js';

/** A detection under way, for a bot to await (see {@link watchAnswer}). */
export interface AnswerWatch {
  /**
   * Who answered. Never rejects: if the audio fails, an `unknown` verdict with cause
   * `error` (`evidence.error` says why); if `stop()` comes first, `unknown` `stream-end`.
   */
  readonly verdict: Promise<AnswerVerdict>;
  /**
   * After a `voicemail` verdict, the end of its greeting (a beep, or silence): the moment to
   * leave a message. `undefined` for other verdicts, or if the audio ends, the wait times
   * out or `stop()` comes first. Never rejects.
   */
  readonly greetingEnd: Promise<GreetingEnd | undefined>;
  /** The events, replayed to late subscribers (for logs); completes, never errors. */
  readonly events: Observable<AnswerEvent>;
  /** Stops listening (the call ended, or the bot no longer cares). */
  stop(): void;
}

/**
 * Starts detecting at once on `audio` (subscribe before the first frame: call it when the
 * call is answered) and hands a bot promises to await: hold the greeting until
 * `verdict`, or speak at once and check it later; after a voicemail, `greetingEnd` says
 * when to leave a message.
 *
 * @example
 * ```ts
 * const answer = watchAnswer(call.audio(), detector);
 * const verdict = await answer.verdict;
 * if (verdict.kind === 'voicemail' && (await answer.greetingEnd)) call.play(message);
 * else if (verdict.kind !== 'human') call.hangup();
 * ```
 */
export function watchAnswer(
  audio: Observable<AudioFrame>,
  detector: AnswerDetector | AnswerDetectorOptions = {},
): AnswerWatch {
  const use = isDetector(detector) ? detector : createAnswerDetector(detector);
  const events = new ReplaySubject<AnswerEvent>();
  let settleVerdict!: (verdict: AnswerVerdict) => void;
  let settleEnd!: (end: GreetingEnd | undefined) => void;
  const verdict = new Promise<AnswerVerdict>((resolve) => {
    settleVerdict = resolve;
  });
  const greetingEnd = new Promise<GreetingEnd | undefined>((resolve) => {
    settleEnd = resolve;
  });
  const unknown = (cause: 'error' | 'stream-end', error?: unknown): AnswerVerdict => ({
    kind: 'unknown',
    cause,
    decidedBy: 'cadence',
    atMs: 0,
    tookMs: 0,
    evidence: {
      timeline: [],
      voicedMs: 0,
      words: 0,
      ...(error !== undefined && { error: describe(error) }),
    },
  });
  const settleAll = (fallback: AnswerVerdict) => {
    settleVerdict(fallback); // no effect once settled
    settleEnd(undefined);
  };
  const subscription = use.detect(audio).subscribe({
    next(event) {
      events.next(event);
      if (event.type === 'verdict') settleVerdict(event.verdict);
      else settleEnd(event.greetingEnd);
    },
    error(error: unknown) {
      settleAll(unknown('error', error));
      events.complete(); // the error is in the verdict: a late subscriber without a handler must not crash the process
    },
    complete() {
      settleAll(unknown('stream-end'));
      events.complete();
    },
  });
  return {
    verdict,
    greetingEnd,
    events: events.asObservable(),
    stop() {
      subscription.unsubscribe();
      settleAll(unknown('stream-end'));
      events.complete();
    },
  };
}

function describe(error: unknown): { code?: string; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' && { code }),
    message: typeof message === 'string' ? message : String(error),
  };
}
