import { createHash } from 'node:crypto';

/** Everything that shapes a speech's audio, for its cache key. */
export interface SpeechIdentity {
  /** The cache's own namespace (bumped to drop every entry). */
  readonly namespace: string;
  /** The engine's name. */
  readonly engine: string;
  /** The engine's `settingsKey`. */
  readonly settingsKey: string;
  /** The voice asked for; `undefined` for the engine's configured one. */
  readonly voice: string | undefined;
  /** The engine's rate. */
  readonly sampleRate: number;
  /** The text, normalised ({@link normaliseText}). */
  readonly text: string;
}

/**
 * Text as a cache keys it and the engine speaks it: Unicode NFC (a Vietnamese letter typed
 * precomposed or with combining marks is one text), whitespace runs as one space, trimmed.
 */
export function normaliseText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** The key of a speech: sha256 over its identity, 64 hex digits (also its file's name). */
export function cacheKey(identity: SpeechIdentity): string {
  const { namespace, engine, settingsKey, voice, sampleRate, text } = identity;
  const material = JSON.stringify([
    'psrkit-tts-cache/1',
    namespace,
    engine,
    settingsKey,
    voice ?? null,
    sampleRate,
    text,
  ]);
  return createHash('sha256').update(material).digest('hex');
}
