import { readFileSync } from 'node:fs';
import { type AudioFrame, type SpeechToText, SttError, type Transcript } from '@psrkit/pipeline';
import { decodeWav, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { Observable } from 'rxjs';
import { resolveSample, SAMPLE_TEXTS } from './bundled-samples.js';
import { createRecordingIndex, type KnownRecording } from './recording-index.js';

/** Options of {@link createSampleStt}. */
export interface SampleSttOptions {
  /** Recordings of yours to know too (8 kHz mono samples and their words). */
  readonly recordings?: readonly KnownRecording[];
  /** Called with each request's transcript (to count requests in tests). */
  readonly onTranscript?: (text: string) => void;
}

/** The bundled recordings with their words (read once, on the first engine made). */
let bundled: readonly KnownRecording[] | undefined;
function bundledRecordings(): readonly KnownRecording[] {
  bundled ??= Object.entries(SAMPLE_TEXTS).map(([name, { text, tailMs = 0 }]) => {
    const { samples, sampleRate, channels } = decodeWav(readFileSync(resolveSample(name, '.')));
    if (sampleRate !== PSR_SAMPLE_RATE || channels !== 1)
      throw new Error(`bundled sample ${name} is not 8 kHz mono`);
    return { samples, text, speechEndMs: samples.length / 8 - tailMs };
  });
  return bundled;
}

/**
 * A `SpeechToText` engine that knows the simulator's recordings and no others: it finds
 * them in the audio it is given by their exact samples (the emulator's audio reaches a bot
 * unchanged) and answers with their words, as far as the audio holds them — the first
 * seconds of an announcement give its first words. Anything else (your voice, line noise)
 * is heard as nothing. For answer detection and bots tested end to end against the
 * create-stream emulator with no speech service: the carriers' announcements, voicemail
 * greetings and people's first words of `samples/answers/`, and the callers of `samples/`.
 * One `final` per request, at once when the audio ends; 8 kHz only.
 *
 * @example
 * ```ts
 * const detector = createAnswerDetector({ transcript: { stt: createSampleStt(), language: 'vi' } });
 * ```
 */
export function createSampleStt(options: SampleSttOptions = {}): SpeechToText {
  const index = createRecordingIndex([...bundledRecordings(), ...(options.recordings ?? [])]);
  return {
    specificationVersion: 1,
    name: 'simulator-samples',
    sampleRates: [PSR_SAMPLE_RATE],
    streaming: false,
    transcribe: (audio) =>
      new Observable<Transcript>((subscriber) => {
        const frames: AudioFrame[] = [];
        return audio.subscribe({
          next(frame) {
            if (frame.sampleRate !== PSR_SAMPLE_RATE)
              subscriber.error(
                new SttError('INVALID_OPTION', `8000 Hz audio only, got ${frame.sampleRate} Hz`),
              );
            else frames.push(frame);
          },
          error: (error: unknown) => subscriber.error(error),
          complete() {
            const pcm = new Int16Array(frames.reduce((n, f) => n + f.samples.length, 0));
            let at = 0;
            for (const frame of frames) {
              pcm.set(frame.samples, at);
              at += frame.samples.length;
            }
            const text = index.recognise(pcm);
            options.onTranscript?.(text);
            subscriber.next({ type: 'final', text });
            subscriber.complete();
          },
        });
      }),
  };
}
