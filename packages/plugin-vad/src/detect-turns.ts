import { type AudioFrame, numberProblem, PcmFifo } from '@psrkit/pipeline';
import { type MonoTypeOperatorFunction, Observable, type OperatorFunction } from 'rxjs';
import { VadError } from './errors.js';
import { type TurnTrace, traceTurns } from './trace-turns.js';
import type { OpenVad, Vad, VadMode } from './vad.js';

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

const TAIL_MS = 100;

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
  return (source) =>
    new Observable<TurnEvent>((subscriber) => {
      let vad: Vad | undefined;
      let rate = 0;
      let frameSamples = 0;
      let frameMs = 0;
      const waiting: { frame: Int16Array; startSample: number }[] = []; // behind an answer
      let asking = false; // an asynchronous answer is pending
      let ended = false; // the source completed
      const carry = new PcmFifo(); // samples waiting for a whole frame of the VAD's
      let carryStart = 0; // their start, in samples
      const recent: Int16Array[] = []; // pre-roll and the voiced run before a turn starts
      let run = 0; // voiced frames in a row
      let turn: { startSample: number; frames: Int16Array[]; voicedEnd: number } | undefined;
      let silenceMs = 0;

      const toMs = (sample: number) => (sample * 1000) / rate;
      const endTurn = (atSample: number, reason: 'silence' | 'max-length' | 'stream-end') => {
        if (!turn) return;
        const kept = Math.min(
          turn.frames.length * frameSamples,
          turn.voicedEnd - turn.startSample + Math.round((rate * TAIL_MS) / 1000),
        );
        const audio = new Int16Array(kept);
        let at = 0;
        for (const frame of turn.frames) {
          if (at >= kept) break;
          audio.set(frame.subarray(0, kept - at), at);
          at += frame.length;
        }
        subscriber.next({
          type: 'speech-end',
          atMs: toMs(atSample),
          startMs: toMs(turn.startSample),
          audio,
          sampleRate: rate,
          reason,
        });
        turn = undefined;
        run = 0;
        silenceMs = 0;
      };

      const onDecision = (frame: Int16Array, startSample: number, voiced: boolean) => {
        const endSample = startSample + frame.length;
        if (turn) {
          turn.frames.push(frame);
          if (voiced) {
            silenceMs = 0;
            turn.voicedEnd = endSample;
          } else silenceMs += frameMs;
          if (silenceMs >= endSilenceMs) endTurn(endSample, 'silence');
          else if (toMs(endSample - turn.startSample) >= maxTurnMs)
            endTurn(endSample, 'max-length');
          return;
        }
        recent.push(frame);
        run = voiced ? run + 1 : 0;
        const keep = Math.ceil(preRollMs / frameMs) + run;
        while (recent.length > keep) recent.shift();
        if (voiced && run * frameMs >= startMs) {
          const onset = endSample - run * frameSamples;
          turn = {
            startSample: endSample - recent.length * frameSamples,
            frames: recent.splice(0),
            voicedEnd: endSample,
          };
          silenceMs = 0;
          subscriber.next({ type: 'speech-start', atMs: toMs(onset) });
        }
      };

      const finish = () => {
        endTurn(carryStart, 'stream-end');
        subscriber.complete();
      };
      // Frames go to the VAD one at a time: synchronous answers are used at once, and
      // frames that arrive while an asynchronous answer is pending wait in order.
      const ask = () => {
        while (!asking && waiting.length > 0) {
          const { frame, startSample } = waiting.shift()!;
          const answer = vad!.isSpeech(frame);
          if (typeof answer === 'boolean') {
            onDecision(frame, startSample, answer);
            continue;
          }
          asking = true;
          answer.then(
            (voiced) => {
              asking = false;
              if (subscriber.closed) return;
              try {
                onDecision(frame, startSample, voiced);
                ask();
                if (ended && !asking) finish();
              } catch (error) {
                subscriber.error(error);
              }
            },
            (error: unknown) => subscriber.error(error),
          );
        }
      };

      const subscription = source.subscribe({
        next(frame) {
          try {
            if (!vad) {
              rate = frame.sampleRate;
              vad = options.openVad({
                sampleRate: rate,
                ...(options.mode !== undefined && { mode: options.mode }),
              });
              frameSamples = vad.frameSamples;
              frameMs = (frameSamples * 1000) / rate;
              carryStart = frame.startSample;
            } else if (frame.sampleRate !== rate) {
              throw new VadError(
                'INVALID_FRAME',
                `frames changed rate from ${rate} to ${frame.sampleRate} Hz`,
              );
            }
            if (frame.samples.length === 0) return;
            carry.push(frame.samples);
            while (carry.length >= frameSamples) {
              // A copy: the turn keeps its frames, and the caller's buffer may be reused.
              waiting.push({ frame: carry.take(frameSamples).slice(), startSample: carryStart });
              carryStart += frameSamples;
            }
            ask();
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          ended = true;
          if (!asking) finish();
        },
      });
      return () => {
        subscription.unsubscribe();
        vad?.close();
      };
    }).pipe(traced);
}

function nonNegative(value: number, name: string): number {
  const problem = numberProblem(value, { min: 0 });
  if (problem) throw new VadError('INVALID_OPTION', `${name}: ${problem}`);
  return value;
}
