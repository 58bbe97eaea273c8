import type { CachedSpeech } from './entry-codec.js';
import { pieceBytes } from './speech-recorder.js';

/** Entries kept in memory in front of the folder: the hot prompts, without a read per call. */
export interface MemoryEntries {
  /** The entry, now the most recently used; `undefined` when not held. */
  get(key: string): MemoryEntry | undefined;
  /** Holds an entry, the least recently used going past `maxBytes`. */
  set(key: string, speech: CachedSpeech, touchedAt: number): void;
}

/** A held entry, and when its file was last marked used. */
export interface MemoryEntry {
  readonly speech: CachedSpeech;
  readonly bytes: number;
  touchedAt: number;
}

/**
 * Up to `maxBytes` of entries in memory, least recently used out (a `Map` keeps insertion
 * order: a hit moves its entry to the end). An entry's content never changes for its key,
 * so a held entry stays right even when another process evicts its file.
 */
export function memoryEntries(maxBytes: number): MemoryEntries {
  const held = new Map<string, MemoryEntry>();
  let bytes = 0;
  return {
    get(key) {
      const entry = held.get(key);
      if (!entry) return undefined;
      held.delete(key);
      held.set(key, entry);
      return entry;
    },
    set(key, speech, touchedAt) {
      const size = speech.pieces.reduce((sum, piece) => sum + pieceBytes(piece), 0);
      if (size > maxBytes || held.has(key)) return;
      held.set(key, { speech, bytes: size, touchedAt });
      bytes += size;
      for (const [oldest, entry] of held) {
        if (bytes <= maxBytes) break;
        held.delete(oldest);
        bytes -= entry.bytes;
      }
    },
  };
}
