import { PsrkitError } from '@psrkit/protocol';
import type { Observable } from 'rxjs';
import type { WordTiming } from './word-timing.js';

/**
 * Version 1 of the contract for text-to-speech plugins. `synthesize` is cold: each
 * subscription synthesises anew and emits mono 16-bit PCM at `sampleRate` as it is
 * produced (so playback can start before the text is done); it completes after the last
 * piece, errors with the engine's typed error, and stops work on unsubscribe (barge-in).
 * Version 2 ({@link TextToSpeechV2}) adds text in pieces and word timings; a version-1
 * plugin works wherever version 2 is taken, through {@link asTextToSpeechV2}.
 */
export interface TextToSpeech {
  /** The contract's version: 1. */
  readonly specificationVersion: 1;
  /** Unique, kebab-case, e.g. `espeak`. */
  readonly name: string;
  /** Rate of the PCM it emits. */
  readonly sampleRate: number;
  /** Voices it can speak with (identifiers for `voice`). */
  readonly voices: readonly string[];
  /** Speaks `text` (cold: synthesis starts per subscription), in `voice` when given. */
  synthesize(text: string, options?: { readonly voice?: string }): Observable<Int16Array>;
}

/** What a version-2 engine can do, so a caller (the agent, a cache) can choose how to use it. */
export interface TtsCapabilities {
  /**
   * `true`: takes text in pieces on one connection (a model's deltas) and decides itself
   * where to cut; `false`: psrkit cuts the text into sentences and synthesises each.
   */
  readonly streamingInput: boolean;
  /** `true`: the engine says when each word plays; `false`: the timings are estimated. */
  readonly wordTimings: boolean;
  /** Rates it can emit PCM at; `sampleRate` is one of them. */
  readonly sampleRates: readonly number[];
}

/**
 * A piece of speech, in order: audio as it is made, and the timings of words — from the
 * first sample of this `speak`'s audio, never before audio that precedes them in the stream
 * is known to exist. `estimated` words were timed by their share of the characters.
 */
export type SpeechPiece =
  | { readonly type: 'audio'; readonly samples: Int16Array }
  | {
      readonly type: 'words';
      readonly words: readonly WordTiming[];
      readonly estimated: boolean;
    };

/** Options of {@link TextToSpeechV2.speak}. */
export interface SpeakOptions {
  /** One of `voices` (default: the engine's configured voice). */
  readonly voice?: string;
}

/**
 * Version 2 of the contract for text-to-speech plugins. `speak` is cold: each subscription
 * opens the engine's work anew; text may be one string or arrive in pieces (an LLM's
 * stream) and is flushed at sentence ends; audio comes out as it is made (mono Int16 at
 * `sampleRate`), with word timings after or beside it; unsubscribing cancels the engine's
 * work at once (barge-in: the request aborted, the context cancelled). Errors are
 * {@link TtsError}s with a code.
 */
export interface TextToSpeechV2 {
  /** The contract's version: 2. */
  readonly specificationVersion: 2;
  /** Unique, kebab-case, e.g. `openai`, `elevenlabs`. */
  readonly name: string;
  /** Rate of the PCM it emits. */
  readonly sampleRate: number;
  /** Voices it can speak with (identifiers for `voice`); may be only the configured one. */
  readonly voices: readonly string[];
  /** What it can do. */
  readonly capabilities: TtsCapabilities;
  /**
   * Everything beside the text and a voice named to `speak` that shapes its audio (model,
   * speed, format, endpoint, and the voice it speaks in when none is named), as a stable
   * string: a prompt cache keys on it. Never a secret.
   */
  readonly settingsKey: string;
  /** Speaks `text` — a string, or pieces to be cut at sentence ends (cold, cancelled by unsubscribing). */
  speak(text: string | Observable<string>, options?: SpeakOptions): Observable<SpeechPiece>;
}

/** A text-to-speech plugin of either version. */
export type AnyTextToSpeech = TextToSpeech | TextToSpeechV2;

/** Stable codes of {@link TtsError}. */
export type TtsErrorCode =
  /** A bad option (an empty API key, a rate the engine cannot emit). */
  | 'INVALID_OPTION'
  /** A voice the engine does not have. */
  | 'UNKNOWN_VOICE'
  /** The service answered with an HTTP error or a refusal message (`status` says which). */
  | 'HTTP_ERROR'
  /** No answer (or no next piece) within the plugin's timeout. */
  | 'TIMEOUT'
  /** The connection failed or broke before the speech was complete. */
  | 'NETWORK_ERROR'
  /** An answer that is not speech: malformed JSON, audio that is not PCM, timings out of order. */
  | 'INVALID_RESPONSE'
  /** An in-process engine failed. */
  | 'ENGINE_FAILED';

/** A synthesis failed (any text-to-speech engine); the call goes on — the bot decides what to do. */
export class TtsError extends PsrkitError<TtsErrorCode> {
  /** Always `TtsError`. */
  override readonly name = 'TtsError';
  /** The HTTP status (or the service's error status), for `HTTP_ERROR`. */
  readonly status: number | undefined;

  constructor(
    code: TtsErrorCode,
    message: string,
    details: { status?: number; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
  }
}
