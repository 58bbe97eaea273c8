import { type AudioFrame, numberProblem } from '@psrkit/pipeline';
import { type MonoTypeOperatorFunction, Observable, type OperatorFunction } from 'rxjs';
import type { OnsetOptions } from './energy-onset.js';
import { VadError } from './errors.js';
import { type TurnTrace, traceTurns } from './trace-turns.js';
import { TurnDetector } from './turn-detector.js';
import type { TurnRules } from './turn-tracker.js';
import type { OpenVad, VadMode } from './vad.js';

/** The caller started or finished a turn; times are ms on the call's clock. */
export type TurnEvent =
  | { readonly type: 'speech-start'; readonly atMs: number }
  | {
      readonly type: 'speech-end';
      readonly atMs: number;
      readonly startMs: number;
      /** The turn's audio, from `preRollMs` before the onset to the last voiced frame (+ 100 ms). */
      readonly audio: Int16Array;
      readonly sampleRate: number;
      /** `silence` (the normal end), `max-length`, or `stream-end`. */
      readonly reason: 'silence' | 'max-length' | 'stream-end';
    };

/**
 * Maybe the caller is starting to speak (`speech-suspected`, at the voiced run's onset), or
 * it was not a turn after all (`suspicion-cleared`). Only with `suspectMs`; a suspicion
 * confirmed by a turn ends with that turn's `speech-start` instead. Times are ms on the
 * call's clock.
 */
export type SuspicionEvent =
  | { readonly type: 'speech-suspected'; readonly atMs: number }
  | {
      readonly type: 'suspicion-cleared';
      /** Where it was cleared: the end of the frame that cleared it. */
      readonly atMs: number;
      /** The onset of the suspicion it clears. */
      readonly suspectedAtMs: number;
    };

/** Options of `detectTurns`: the engine, and how silence ends a turn. */
export interface DetectTurnsOptions {
  /** Opens a VAD instance: `loadWebRtcVad()`, or another engine's (`loadSileroVad()`). */
  readonly openVad: OpenVad;
  /** Passed to `openVad` (the WebRTC VAD's aggressiveness). */
  readonly mode?: VadMode;
  /** Voiced audio in a row that starts a turn, ms (default 40). */
  readonly startMs?: number;
  /** Silence that ends a turn, ms (default 700). */
  readonly endSilenceMs?: number;
  /** Audio kept from before the onset, ms (default 200). */
  readonly preRollMs?: number;
  /** A turn longer than this ends anyway, ms (default 30 000). */
  readonly maxTurnMs?: number;
  /**
   * Voice in a row that raises a suspicion, ms, less than `startMs` (default: none, no
   * suspicion events). `0`: the first voiced frame. Pause the bot on `speech-suspected`
   * (`call.pauseSpeech()`), interrupt it on `speech-start`, resume on `suspicion-cleared`.
   */
  readonly suspectMs?: number;
  /**
   * A suspicion that no turn confirmed is cleared at the first silent frame this long
   * after its onset, ms (default 240): with `startMs`, the bound on a false pause.
   */
  readonly suspicionMs?: number;
  /**
   * Also suspect on an energy onset (`true`, or its options): each piece of audio as it
   * arrives, before the VAD has a frame to decide on, raises `speech-suspected` when its
   * level jumps over the line's noise floor (see {@link EnergyOnset}) — tens of ms sooner
   * than Silero. Needs `suspectMs`. Clicks raise it too: the VAD clears such a suspicion
   * after `onsetClearMs` without a speech or `maybe` frame.
   */
  readonly onset?: boolean | OnsetOptions;
  /** A suspicion an energy onset raised is cleared after this much audio the VAD heard nothing in, ms (default 64). */
  readonly onsetClearMs?: number;
  /**
   * A `psr.caller_turn` span per turn under this parent — pass `call.trace` (see
   * {@link traceTurns}).
   */
  readonly trace?: TurnTrace;
}

/**
 * Turn-taking on one side of a call: `speech-start` as soon as `startMs` of voice in a
 * row is heard (barge-in reacts to this), `speech-end` with the turn's audio after
 * `endSilenceMs` of silence. With `suspectMs`, also `speech-suspected` on a shorter run
 * and `suspicion-cleared` when no turn confirmed it (see {@link SuspicionEvent}). Frames of any length are re-cut to the VAD's frame length;
 * a VAD that answers asynchronously is asked one frame at a time, in order, and the
 * stream completes after its last answer.
 *
 * @example
 * ```ts
 * const openVad = await loadWebRtcVad();
 * call.audio().pipe(detectTurns({ openVad, endSilenceMs: 700 })).subscribe(onTurn);
 * ```
 */
export function detectTurns(
  options: DetectTurnsOptions & { readonly suspectMs: number },
): OperatorFunction<AudioFrame, TurnEvent | SuspicionEvent>;
/**
 * Turn-taking on one side of a call, without suspicions (no `suspectMs`): `speech-start`
 * and `speech-end` only, typed so.
 */
export function detectTurns(options: DetectTurnsOptions): OperatorFunction<AudioFrame, TurnEvent>;
export function detectTurns(
  options: DetectTurnsOptions,
): OperatorFunction<AudioFrame, TurnEvent | SuspicionEvent> {
  const rules = turnRules(options);
  const traced: MonoTypeOperatorFunction<TurnEvent | SuspicionEvent> = options.trace
    ? traceTurns(options.trace)
    : (turns) => turns;
  return (source) =>
    new Observable<TurnEvent | SuspicionEvent>((subscriber) => {
      const detector = new TurnDetector(options, rules, subscriber);
      const subscription = source.subscribe({
        next: (frame) => detector.frame(frame),
        error: (error: unknown) => subscriber.error(error),
        complete: () => detector.sourceEnded(),
      });
      return () => {
        subscription.unsubscribe();
        detector.close();
      };
    }).pipe(traced);
}

/** The options' rules, checked. */
function turnRules(options: DetectTurnsOptions): Omit<TurnRules, 'rate' | 'frameSamples'> {
  const startMs = nonNegative(options.startMs ?? 40, 'startMs');
  const suspectMs =
    options.suspectMs === undefined ? undefined : nonNegative(options.suspectMs, 'suspectMs');
  if (suspectMs !== undefined && suspectMs >= startMs)
    throw new VadError(
      'INVALID_OPTION',
      `suspectMs: ${suspectMs} must be less than startMs (${startMs})`,
    );
  if (options.onset && suspectMs === undefined)
    throw new VadError('INVALID_OPTION', 'onset: suspicions are off (give suspectMs)');
  return {
    startMs,
    endSilenceMs: nonNegative(options.endSilenceMs ?? 700, 'endSilenceMs'),
    preRollMs: nonNegative(options.preRollMs ?? 200, 'preRollMs'),
    maxTurnMs: nonNegative(options.maxTurnMs ?? 30_000, 'maxTurnMs'),
    suspectMs,
    suspicionMs: nonNegative(options.suspicionMs ?? 240, 'suspicionMs'),
    onsetClearMs: nonNegative(options.onsetClearMs ?? 64, 'onsetClearMs'),
  };
}

function nonNegative(value: number, name: string): number {
  const problem = numberProblem(value, { min: 0 });
  if (problem) throw new VadError('INVALID_OPTION', `${name}: ${problem}`);
  return value;
}
