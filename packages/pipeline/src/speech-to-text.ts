import type { Observable } from 'rxjs';
import type { AudioFrame } from './audio-frame.js';

/** Text heard in a span of the audio given to `transcribe`; times are ms from its start. */
export interface TranscriptTiming {
  readonly text: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** What a speech-to-text engine heard. */
export interface Transcript {
  /** `interim`: may still change (streaming engines); `final`: settled for its span. */
  readonly type: 'interim' | 'final';
  readonly text: string;
  /** The language the engine heard (BCP 47, e.g. `vi`), when it says. */
  readonly language?: string;
  /** 0–1, when the engine gives one. */
  readonly confidence?: number;
  /** Words or phrases with their times, as the engine gives them. */
  readonly timings?: readonly TranscriptTiming[];
}

export interface TranscribeOptions {
  /** The language spoken (BCP 47: `vi`, `en`), when known: engines that take it guess less. */
  readonly language?: string;
}

/**
 * Version 1 of the contract for speech-to-text plugins. `transcribe` is cold: each
 * subscription takes the audio it is given (20 ms `AudioFrame`s of one side, at one of
 * `sampleRates`) and emits transcripts — a streaming engine `interim` ones as audio
 * arrives, every engine `final` ones — and completes after the audio has ended and the
 * last final transcript is out. It errors with the engine's typed error (an HTTP error, a
 * timeout, a broken socket), never throws, and unsubscribing cancels the engine's work
 * (the request, the socket): a barge-in, or the call ending.
 */
export interface SpeechToText {
  readonly specificationVersion: 1;
  /** Unique, kebab-case, e.g. `openai`. */
  readonly name: string;
  /** Rates of the audio it takes (resample others first). */
  readonly sampleRates: readonly number[];
  /** `true`: results while the audio arrives; `false`: one request when it has ended (a turn). */
  readonly streaming: boolean;
  transcribe(audio: Observable<AudioFrame>, options?: TranscribeOptions): Observable<Transcript>;
}
