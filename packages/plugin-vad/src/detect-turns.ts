import { type AudioFrame, numberProblem } from '@psrkit/pipeline';
import { type MonoTypeOperatorFunction, Observable, type OperatorFunction } from 'rxjs';
import { VadError } from './errors.js';
import { type TurnTrace, traceTurns } from './trace-turns.js';
import { TurnDetector } from './turn-detector.js';
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

/** Options of {@link detectTurns}: the engine, and how silence ends a turn. */
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
   * A `psr.caller_turn` span per turn under this parent — pass `call.trace` (see
   * {@link traceTurns}).
   */
  readonly trace?: TurnTrace;
}

/**
 * Turn-taking on one side of a call: `speech-start` as soon as `startMs` of voice in a
 * row is heard (barge-in reacts to this), `speech-end` with the turn's audio after
 * `endSilenceMs` of silence. Frames of any length are re-cut to the VAD's frame length;
 * a VAD that answers asynchronously is asked one frame at a time, in order, and the
 * stream completes after its last answer.
 *
 * @example
 * ```ts
 * const openVad = await loadWebRtcVad();
 * call.audio().pipe(detectTurns({ openVad, endSilenceMs: 700 })).subscribe(onTurn);
 * ```
 */
export function detectTurns(options: DetectTurnsOptions): OperatorFunction<AudioFrame, TurnEvent> {
  const startMs = nonNegative(options.startMs ?? 40, 'startMs');
  const endSilenceMs = nonNegative(options.endSilenceMs ?? 700, 'endSilenceMs');
  const preRollMs = nonNegative(options.preRollMs ?? 200, 'preRollMs');
  const maxTurnMs = nonNegative(options.maxTurnMs ?? 30_000, 'maxTurnMs');
  const traced: MonoTypeOperatorFunction<TurnEvent> = options.trace
    ? traceTurns(options.trace)
    : (turns) => turns;
  const rules = { startMs, endSilenceMs, preRollMs, maxTurnMs };
  return (source) =>
    new Observable<TurnEvent>((subscriber) => {
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

function nonNegative(value: number, name: string): number {
  const problem = numberProblem(value, { min: 0 });
  if (problem) throw new VadError('INVALID_OPTION', `${name}: ${problem}`);
  return value;
}
