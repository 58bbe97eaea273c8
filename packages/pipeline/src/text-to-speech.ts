import type { Observable } from 'rxjs';

/**
 * Version 1 of the contract for text-to-speech plugins. `synthesize` is cold: each
 * subscription synthesises anew and emits mono 16-bit PCM at `sampleRate` as it is
 * produced (so playback can start before the text is done); it completes after the last
 * piece, errors with the engine's typed error, and stops work on unsubscribe (barge-in).
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
