import type { AudioFrame, SpeechToText, Transcript } from '@psrkit/pipeline';
import { SttError } from '@psrkit/pipeline';
import { Observable } from 'rxjs';

/** The audio a {@link createScriptedStt} engine was given, on the call's clock. */
export interface ScriptedAudio {
  /** The first frame's start, ms. */
  readonly startMs: number;
  /** The last frame's end, ms. */
  readonly endMs: number;
  /** Its rate, Hz. */
  readonly sampleRate: number;
  /** The language asked for. */
  readonly language: string | undefined;
}

/** Options of {@link createScriptedStt}. */
export interface ScriptedSttOptions {
  /**
   * What the engine "hears" in the audio it was given: a text, or an `Error` to fail with
   * (wrapped in an `SttError` `NETWORK_ERROR` unless it is one).
   */
  readonly script: (audio: ScriptedAudio) => string | Error;
  /** `streaming` as the engine reports it (default `false`: one final when the audio ends). */
  readonly streaming?: boolean;
  /** Its name (default `scripted`). */
  readonly name?: string;
  /** Called with each request's audio (to count requests in tests). */
  readonly onRequest?: (audio: ScriptedAudio) => void;
}

/**
 * A `SpeechToText` engine that transcribes nothing: it answers each request with what its
 * script says about the audio's span, synchronously when the audio ends (one `final`, or
 * an error). For tests and benchmarks of code that uses speech-to-text — an answer
 * detector, a bot — with no service: the script knows what was said when (a test's
 * generated audio, a labelled set's transcripts).
 */
export function createScriptedStt(options: ScriptedSttOptions): SpeechToText {
  return {
    specificationVersion: 1,
    name: options.name ?? 'scripted',
    sampleRates: [8000, 16000, 24000, 48000],
    streaming: options.streaming ?? false,
    transcribe: (audio, request = {}) =>
      new Observable<Transcript>((subscriber) => {
        let first: AudioFrame | undefined;
        let last: AudioFrame | undefined;
        return audio.subscribe({
          next(frame) {
            first ??= frame;
            last = frame;
          },
          error: (error: unknown) => subscriber.error(error),
          complete() {
            if (!first || !last) return subscriber.complete();
            const rate = first.sampleRate;
            const span: ScriptedAudio = {
              startMs: (first.startSample * 1000) / rate,
              endMs: ((last.startSample + last.samples.length) * 1000) / rate,
              sampleRate: rate,
              language: request.language,
            };
            options.onRequest?.(span);
            const heard = options.script(span);
            if (heard instanceof Error)
              return subscriber.error(
                SttError.isInstance(heard)
                  ? heard
                  : new SttError('NETWORK_ERROR', heard.message, { cause: heard }),
              );
            subscriber.next({ type: 'final', text: heard });
            subscriber.complete();
          },
        });
      }),
  };
}
