import type { AudioFrame } from '@psrkit/pipeline';
import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import type { AnswerDetector } from './answer-detector.js';
import { type AnswerMode, answerModeOf, isMachine, verdictResultFields } from './answer-mode.js';
import { AnswerDetectError } from './errors.js';
import type { AnswerVerdict, GreetingEnd } from './verdict.js';
import { type AnswerWatch, watchAnswer } from './watch-answer.js';

/**
 * What {@link answerOnCall} needs of a call. `@psrkit/transport`'s `Call` is one; the plugin
 * does not depend on the transport.
 */
export interface AnswerCall {
  /** The call's parameters: `detect_answer` chooses the mode. */
  readonly params: Readonly<Record<string, string>>;
  /** The remote side's 20 ms frames from now on. */
  audio(): Observable<AudioFrame>;
  /** Records the verdict (`answered_by`, `answered_by_kind`). */
  setResult(fields: Readonly<Record<string, string>>): void;
  /** Silences the bot at once (a machine answered while it spoke). */
  interrupt(): void;
  /** Ends the call (a machine answered). */
  hangup(): unknown;
  /** Settles when the call ends. */
  readonly closed: PromiseLike<unknown>;
}

/** Where {@link answerOnCall} logs (a pino logger fits, as a bot's `context.logger`). */
export interface AnswerLogger {
  /** The verdict, as it comes. */
  info(fields: object, message: string): void;
  /** A `detect_answer` value that is not a mode. */
  warn(fields: object, message: string): void;
}

/** Options of {@link answerOnCall}. */
export interface AnswerOnCallOptions {
  /** The detector: make one per process ({@link createAnswerDetector}) and share it. */
  readonly detector: AnswerDetector;
  /** The mode of calls without a `detect_answer` parameter (default `off`); the parameter wins. */
  readonly mode?: AnswerMode;
  /** `hold`: the longest wait for the verdict before the bot speaks anyway, ms (default 3000). */
  readonly maxHoldMs?: number;
  /**
   * Leaves a message on a voicemail, called once its greeting ended (the beep) and settling
   * when the message was heard; the call is hung up then. Without it, a voicemail is hung
   * up on at once.
   */
  readonly leaveMessage?: (greetingEnd: GreetingEnd) => PromiseLike<unknown>;
  /** Logs the verdict (and a bad `detect_answer` value). */
  readonly logger?: AnswerLogger;
  /** Told of the verdict once recorded. */
  readonly onVerdict?: (verdict: AnswerVerdict) => void;
  /** The clock of the hold (default `asyncScheduler`; tests pass a virtual one). */
  readonly scheduler?: SchedulerLike;
}

/** Answer detection on one call, for its bot (see {@link answerOnCall}). */
export interface AnswerOnCall {
  /** The call's mode. */
  readonly mode: AnswerMode;
  /** The verdict once it comes (recorded with `setResult` already); `undefined` when `off`. */
  readonly verdict: Promise<AnswerVerdict | undefined>;
  /**
   * Whether the bot may speak first: `true` at once (`off`, `speak`), or (`hold`) on a person
   * or an undecided verdict, or after `maxHoldMs`; `false` when a machine answered first.
   */
  readonly mayGreet: Promise<boolean>;
  /**
   * Aborted (its reason the verdict) when a machine answered and this piece took the call:
   * it silenced the bot and leaves the message or hangs up. The bot stops talking and
   * listening then.
   */
  readonly takeover: AbortSignal;
  /** Stops detecting (the bot no longer cares); a verdict after it is not recorded. */
  stop(): void;
}

const DEFAULT_MAX_HOLD_MS = 3000;

/**
 * Answer detection in a bot's hands. The mode comes from the call's `detect_answer`
 * parameter (or `options.mode`); unless `off`, it starts listening at once, records the
 * verdict as result fields (`answered_by`, `answered_by_kind`: what campaigns read) and
 * logs it. With `hold` the bot waits for `mayGreet` before its first word (at most
 * `maxHoldMs`); with `speak` it greets at once. Whenever a machine answers it takes the
 * call (`takeover`): silences the bot, and on a voicemail leaves the message after the beep
 * (`leaveMessage`) then hangs up; on an announcement or dead air hangs up.
 *
 * @example
 * ```ts
 * const detector = createAnswerDetector(); // once per process
 * const bot: Bot = async (call, { logger }) => {
 *   const answer = answerOnCall(call, { detector, logger, leaveMessage: () => say('Call us back.') });
 *   if (await answer.mayGreet) greet(); // and stop talking when answer.takeover aborts
 *   await call.closed;
 * };
 * ```
 * @throws {AnswerDetectError} `INVALID_OPTION` for a `maxHoldMs` that is not a number ≥ 0
 */
export function answerOnCall(call: AnswerCall, options: AnswerOnCallOptions): AnswerOnCall {
  const maxHoldMs = options.maxHoldMs ?? DEFAULT_MAX_HOLD_MS;
  if (!Number.isFinite(maxHoldMs) || maxHoldMs < 0)
    throw new AnswerDetectError('INVALID_OPTION', `maxHoldMs must be ≥ 0, got ${maxHoldMs}`);
  const { mode, invalid } = answerModeOf(call.params, options.mode);
  if (invalid !== undefined)
    options.logger?.warn(
      { detect_answer: invalid, mode },
      'detect_answer must be off, hold or speak: using the default',
    );
  const takeover = new AbortController();
  if (mode === 'off')
    return {
      mode,
      verdict: Promise.resolve(undefined),
      mayGreet: Promise.resolve(true),
      takeover: takeover.signal,
      stop() {},
    };
  const watch = watchAnswer(call.audio(), options.detector);
  let stopped = false;
  void Promise.resolve(call.closed).then(() => watch.stop());
  const verdict = watch.verdict.then((found) => {
    if (stopped) return found;
    record(call, found, mode, options);
    if (isMachine(found)) void takeOver(call, watch, found, takeover, options);
    return found;
  });
  return {
    mode,
    verdict,
    mayGreet: mode === 'speak' ? Promise.resolve(true) : hold(verdict, maxHoldMs, options),
    takeover: takeover.signal,
    stop() {
      stopped = true;
      watch.stop();
    },
  };
}

/** `hold`: true on a person's (or no) verdict or after `maxHoldMs`, false on a machine's. */
function hold(
  verdict: Promise<AnswerVerdict>,
  maxHoldMs: number,
  { scheduler = asyncScheduler }: AnswerOnCallOptions,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = scheduler.schedule(() => resolve(true), maxHoldMs);
    void verdict.then((found) => {
      timer.unsubscribe();
      resolve(!isMachine(found));
    });
  });
}

/** Records the verdict on the call, logs it and tells `onVerdict`. */
function record(
  call: AnswerCall,
  verdict: AnswerVerdict,
  mode: AnswerMode,
  options: AnswerOnCallOptions,
): void {
  const fields = verdictResultFields(verdict);
  try {
    call.setResult(fields);
  } catch (error) {
    options.logger?.warn({ err: error }, 'the verdict could not be recorded'); // e.g. 32 fields already
  }
  options.logger?.info(
    {
      ...fields,
      mode,
      cause: verdict.cause,
      decided_by: verdict.decidedBy,
      took_ms: Math.round(verdict.tookMs),
    },
    `answered by ${verdict.kind}${verdict.kind === 'announcement' ? ` (${verdict.announcement})` : ''}`,
  );
  options.onVerdict?.(verdict);
}

/** A machine answered: the bot falls silent; a voicemail gets the message after its beep; hang up. */
async function takeOver(
  call: AnswerCall,
  watch: AnswerWatch,
  verdict: AnswerVerdict,
  takeover: AbortController,
  options: AnswerOnCallOptions,
): Promise<void> {
  takeover.abort(verdict);
  call.interrupt();
  if (verdict.kind === 'voicemail' && options.leaveMessage) {
    const end = await watch.greetingEnd;
    if (end) {
      try {
        await options.leaveMessage(end);
      } catch (error) {
        options.logger?.warn({ err: error }, 'the voicemail message failed');
      }
    }
  }
  call.hangup();
}
