// Helpers for tests: a speech's pieces, its audio joined, its words; a cache folder in tmpdir.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpeechPiece, WordTiming } from '@psrkit/pipeline';
import { lastValueFrom, type Observable, toArray } from 'rxjs';

export const collect = (speech$: Observable<SpeechPiece>): Promise<SpeechPiece[]> =>
  lastValueFrom(speech$.pipe(toArray()));

export function audioOf(pieces: readonly SpeechPiece[]): Int16Array {
  const audio = pieces.flatMap((piece) => (piece.type === 'audio' ? [piece.samples] : []));
  const joined = new Int16Array(audio.reduce((sum, samples) => sum + samples.length, 0));
  let at = 0;
  for (const samples of audio) {
    joined.set(samples, at);
    at += samples.length;
  }
  return joined;
}

export function wordsOf(pieces: readonly SpeechPiece[]): WordTiming[] {
  return pieces.flatMap((piece) => (piece.type === 'words' ? [...piece.words] : []));
}

/** A fresh folder for a test's cache, and a way to remove it. */
export function tempDir(): { dir: string; entries: () => string[]; remove: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'psrkit-tts-cache-'));
  const dir = join(base, 'cache');
  return {
    dir,
    entries: () => {
      try {
        return readdirSync(dir).filter((name) => name.endsWith('.tts')).sort();
      } catch {
        return [];
      }
    },
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** A logger that keeps what it was told. */
export function memoryLogger(): { warn: (fields: object, message: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { warn: (_fields, message) => void lines.push(message), lines };
}
