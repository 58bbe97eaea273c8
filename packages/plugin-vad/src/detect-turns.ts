import type { AudioFrame } from '@psrkit/pipeline';
import { Observable, type OperatorFunction } from 'rxjs';
import { VadError } from './errors.js';
import type { OpenVad, VadMode } from './webrtc-vad.js';

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

export interface DetectTurnsOptions {
  /** Opens a VAD instance (from `loadWebRtcVad()`). */
  readonly openVad: OpenVad;
  readonly mode?: VadMode;
  /** Voiced audio in a row that starts a turn, ms (default 40). */
  readonly startMs?: number;
  /** Silence that ends a turn, ms (default 700). */
  readonly endSilenceMs?: number;
  /** Audio kept from before the onset, ms (default 200). */
  readonly preRollMs?: number;
  /** A turn longer than this ends anyway, ms (default 30 000). */
  readonly maxTurnMs?: number;
}

const FRAME_MS = 20;
const TAIL_MS = 100;

/**
 * Turn-taking on one side of a call: `speech-start` as soon as `startMs` of voice in a
 * row is heard (barge-in reacts to this), `speech-end` with the turn's audio after
 * `endSilenceMs` of silence. Frames of any length are re-cut to 20 ms for the VAD.
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
  return (source) =>
    new Observable<TurnEvent>((subscriber) => {
      let vad: ReturnType<OpenVad> | undefined;
      let rate = 0;
      let frameSamples = 0;
      let carry = new Int16Array(0); // samples waiting for a whole 20 ms frame
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

      const onFrame = (frame: Int16Array, startSample: number) => {
        const voiced = vad!.isSpeech(frame);
        const endSample = startSample + frame.length;
        if (turn) {
          turn.frames.push(frame);
          if (voiced) {
            silenceMs = 0;
            turn.voicedEnd = endSample;
          } else silenceMs += FRAME_MS;
          if (silenceMs >= endSilenceMs) endTurn(endSample, 'silence');
          else if (toMs(endSample - turn.startSample) >= maxTurnMs)
            endTurn(endSample, 'max-length');
          return;
        }
        recent.push(frame);
        run = voiced ? run + 1 : 0;
        const keep = Math.ceil(preRollMs / FRAME_MS) + run;
        while (recent.length > keep) recent.shift();
        if (voiced && run * FRAME_MS >= startMs) {
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

      const subscription = source.subscribe({
        next(frame) {
          try {
            if (!vad) {
              rate = frame.sampleRate;
              frameSamples = (rate * FRAME_MS) / 1000;
              vad = options.openVad({
                sampleRate: rate,
                ...(options.mode !== undefined && { mode: options.mode }),
              });
              carryStart = frame.startSample;
            } else if (frame.sampleRate !== rate) {
              throw new VadError(
                'INVALID_FRAME',
                `frames changed rate from ${rate} to ${frame.sampleRate} Hz`,
              );
            }
            if (frame.samples.length === 0) return;
            const joined = new Int16Array(carry.length + frame.samples.length);
            joined.set(carry);
            joined.set(frame.samples, carry.length);
            let at = 0;
            for (; at + frameSamples <= joined.length; at += frameSamples)
              onFrame(joined.slice(at, at + frameSamples), carryStart + at);
            carry = joined.slice(at);
            carryStart += at;
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          endTurn(carryStart, 'stream-end');
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        vad?.close();
      };
    });
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0)
    throw new VadError('INVALID_OPTION', `${name} must be ≥ 0, got ${value}`);
  return value;
}
