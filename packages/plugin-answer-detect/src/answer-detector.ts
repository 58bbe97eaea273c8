import type { AudioFrame } from '@psrkit/pipeline';
import { loadWebRtcVad, type OpenVad } from '@psrkit/plugin-vad';
import type { Observable } from 'rxjs';
import { analyseFrames } from './analyse-frames.js';
import { decideAnswer } from './decide-answer.js';
import {
  type AnswerDetectorOptions,
  resolveOptions,
  type TranscriptOptions,
} from './detector-options.js';
import type { AnswerEvent } from './verdict.js';

/**
 * Version 1 of the answer detector contract: the cadence detector, the transcript
 * detector and their combination all implement it, and so may yours.
 */
export interface AnswerDetector {
  /** The contract's version: 1. */
  readonly specificationVersion: 1;
  /** `cadence`, `transcript` or `combined` here; kebab-case. */
  readonly name: string;
  /**
   * Listens to the audio of one side (the call's `call.audio()`, 20 ms frames) from the
   * moment it is answered. Cold: each subscription decides anew. Emits exactly one
   * `verdict`; after a `voicemail` verdict, a `greeting-end` when the greeting ends (a beep,
   * or silence) unless the audio ends or `greetingEnd.timeoutMs` passes first; then
   * completes (and stops listening). Decides on audio time, never on timers. Errors with
   * `AnswerDetectError` `INVALID_AUDIO` for audio it cannot take; a failing speech-to-text
   * is not an error (see the verdict's cause).
   */
  detect(audio: Observable<AudioFrame>): Observable<AnswerEvent>;
}

/**
 * An answer detector: the cadence detector (speech/silence timing and beeps, no service)
 * alone, or with a transcript detector (`transcript: { stt }`) combined — the timing
 * decides the clear cases fast (a short "Alô?" then silence is a person), the transcript
 * settles long greetings (voicemail or which carrier announcement).
 *
 * @example
 * ```ts
 * const detector = createAnswerDetector({ transcript: { stt, language: 'vi' } });
 * call.audio().pipe(detectAnswer(detector)).subscribe((verdict) => console.log(verdict.kind));
 * ```
 */
export function createAnswerDetector(options: AnswerDetectorOptions = {}): AnswerDetector {
  const resolved = resolveOptions(options);
  let openVad: OpenVad | Promise<OpenVad> | undefined = resolved.openVad;
  return {
    specificationVersion: 1,
    name: resolved.name,
    detect: (audio) => {
      openVad ??= loadWebRtcVad().catch((error: unknown) => {
        openVad = undefined; // the next call tries again
        throw error;
      });
      const frames = audio.pipe(
        analyseFrames({
          openVad,
          ...(resolved.vadMode !== undefined && { vadMode: resolved.vadMode }),
          silenceThresholdDbfs: resolved.session.cadence.silenceThresholdDbfs,
          aboveFloorDb: resolved.session.cadence.aboveFloorDb,
        }),
      );
      return frames.pipe(decideAnswer(resolved.session));
    },
  };
}

/** The cadence detector alone: {@link createAnswerDetector} without a transcript. */
export function createCadenceDetector(
  options: Omit<AnswerDetectorOptions, 'transcript' | 'use'> = {},
): AnswerDetector {
  return createAnswerDetector({ ...options, use: 'cadence' });
}

/** The transcript detector alone: phrases and word counts decide, timing only cuts utterances. */
export function createTranscriptDetector(
  options: Omit<AnswerDetectorOptions, 'transcript' | 'use'> & {
    /** The speech-to-text engine and the phrase lists. */
    readonly transcript: TranscriptOptions;
  },
): AnswerDetector {
  return createAnswerDetector({ ...options, use: 'transcript' });
}
