import { PsrkitError } from '@psrkit/protocol';
import type { Observable } from 'rxjs';
import type { AudioFrame } from './audio-frame.js';

/** Text heard in a span of the audio given to `transcribe`; times are ms from its start. */
export interface TranscriptTiming {
  /** What was said in the span. */
  readonly text: string;
  /** Where the span starts, ms. */
  readonly startMs: number;
  /** Where the span ends, ms. */
  readonly endMs: number;
}

/** What a speech-to-text engine heard. */
export interface Transcript {
  /** `interim`: may still change (streaming engines); `final`: settled for its span. */
  readonly type: 'interim' | 'final';
  /** What was said (empty when the engine heard no words). */
  readonly text: string;
  /** The language the engine heard (BCP 47, e.g. `vi`), when it says. */
  readonly language?: string;
  /** 0–1, when the engine gives one. */
  readonly confidence?: number;
  /** Words or phrases with their times, as the engine gives them. */
  readonly timings?: readonly TranscriptTiming[];
  /**
   * On a `final`: the engine heard the speaker stop after it (its endpointing, e.g.
   * Deepgram's `speech_final`), so the text up to here is a whole utterance. Streaming
   * engines that say so let a bot end the caller's turn on it.
   */
  readonly endOfSpeech?: boolean;
}

/** What a bot may tell a speech-to-text engine about the audio. */
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
  /** The contract's version: 1. */
  readonly specificationVersion: 1;
  /** Unique, kebab-case, e.g. `openai`. */
  readonly name: string;
  /** Rates of the audio it takes (resample others first). */
  readonly sampleRates: readonly number[];
  /** `true`: results while the audio arrives; `false`: one request when it has ended (a turn). */
  readonly streaming: boolean;
  /** Transcribes the audio it is given (cold: a request or socket per subscription). */
  transcribe(audio: Observable<AudioFrame>, options?: TranscribeOptions): Observable<Transcript>;
}

/** Stable codes of {@link SttError}. */
export type SttErrorCode =
  /** A bad option, or audio it cannot take (frames at two rates). */
  | 'INVALID_OPTION'
  /** The service answered with an HTTP error (`status` says which). */
  | 'HTTP_ERROR'
  /** No answer within `timeoutMs`. */
  | 'TIMEOUT'
  /** The connection failed or broke (a streaming engine's socket included). */
  | 'NETWORK_ERROR'
  /** An answer that is not a transcription. */
  | 'INVALID_RESPONSE';

/** A transcription failed (any `SpeechToText` engine); the call goes on — the bot decides what to say. */
export class SttError extends PsrkitError<SttErrorCode> {
  /** Always `SttError`. */
  override readonly name = 'SttError';
  /** The HTTP status, for `HTTP_ERROR`. */
  readonly status: number | undefined;

  constructor(
    code: SttErrorCode,
    message: string,
    details: { status?: number; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
  }
}
