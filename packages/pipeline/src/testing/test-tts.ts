import { asapScheduler, concatMap, defer, from, Observable, observeOn } from 'rxjs';
import { sentences } from '../sentences.js';
import { speakBySentence, textPieces } from '../speak-by-sentence.js';
import { type SpeechPiece, type TextToSpeechV2, TtsError } from '../text-to-speech.js';
import type { WordTiming } from '../word-timing.js';

/** Options of {@link createTestTts}. */
export interface TestTtsOptions {
  /** Rate of its PCM (default 16 000). */
  readonly sampleRate?: number;
  /** Audio per character of a word, and per space between words, ms (default 60). */
  readonly msPerChar?: number;
  /** `true` (default): it reports each word's exact timing; `false`: estimated ones. */
  readonly wordTimings?: boolean;
}

/** A test engine, and what it was asked. */
export interface TestTts extends TextToSpeechV2 {
  /** Every sentence it started to speak, in order. */
  readonly spoken: readonly string[];
  /** How many speeches were unsubscribed before they completed. */
  readonly cancelled: number;
}

/** `ms` of a 440 Hz tone at `level` (0: silence). */
function tone(ms: number, level: number, sampleRate: number): Int16Array {
  const samples = new Int16Array(Math.round((ms * sampleRate) / 1000));
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(level * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  return samples;
}

/** One sentence from `atMs`: a tone per word, a silence per space, and the words' exact times. */
function toneSentence(
  text: string,
  atMs: number,
  sampleRate: number,
  msPerChar: number,
): SpeechPiece[] {
  const pieces: SpeechPiece[] = [];
  const words: WordTiming[] = [];
  let ms = atMs;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (words.length > 0) {
      pieces.push({ type: 'audio', samples: tone(msPerChar, 0, sampleRate) });
      ms += msPerChar;
    }
    const duration = word.length * msPerChar;
    pieces.push({ type: 'audio', samples: tone(duration, 8000, sampleRate) });
    words.push({ text: word, startMs: ms, endMs: ms + duration });
    ms += duration;
  }
  pieces.push({ type: 'words', words, estimated: false });
  return pieces;
}

/**
 * A text-to-speech engine for tests: a 440 Hz tone per word (`msPerChar` per character,
 * the same per space), sentence by sentence, each asynchronously; with `wordTimings` it
 * reports each word's exact start and end, so a test knows which words a caller heard.
 * Its one voice is `test`; any other fails with `UNKNOWN_VOICE`.
 */
export function createTestTts(options: TestTtsOptions = {}): TestTts {
  const sampleRate = options.sampleRate ?? 16_000;
  const msPerChar = options.msPerChar ?? 60;
  const spoken: string[] = [];
  let cancelled = 0;
  const sentence = (text: string, atMs: number): SpeechPiece[] => {
    spoken.push(text);
    return toneSentence(text, atMs, sampleRate, msPerChar);
  };
  const timed = (text: string | Observable<string>): Observable<SpeechPiece> =>
    defer(() => {
      let atMs = 0;
      return textPieces(text).pipe(
        sentences(),
        concatMap((s) => {
          const pieces = sentence(s, atMs);
          for (const p of pieces)
            if (p.type === 'audio') atMs += (p.samples.length * 1000) / sampleRate;
          return from(pieces).pipe(observeOn(asapScheduler));
        }),
      );
    });
  const estimated = (text: string | Observable<string>) =>
    speakBySentence(
      text,
      (s) =>
        from(sentence(s, 0).flatMap((p) => (p.type === 'audio' ? [p.samples] : []))).pipe(
          observeOn(asapScheduler),
        ),
      sampleRate,
    );
  const wordTimings = options.wordTimings ?? true;
  return {
    specificationVersion: 2,
    name: 'test',
    sampleRate,
    voices: ['test'],
    capabilities: { streamingInput: false, wordTimings, sampleRates: [sampleRate] },
    settingsKey: `test:${sampleRate}:${msPerChar}:${wordTimings}`,
    get spoken() {
      return spoken;
    },
    get cancelled() {
      return cancelled;
    },
    speak(text, speakOptions = {}) {
      return new Observable<SpeechPiece>((subscriber) => {
        if (speakOptions.voice !== undefined && speakOptions.voice !== 'test') {
          subscriber.error(
            new TtsError('UNKNOWN_VOICE', `no voice ${JSON.stringify(speakOptions.voice)}`),
          );
          return;
        }
        let finished = false;
        const subscription = (wordTimings ? timed(text) : estimated(text)).subscribe({
          next: (piece) => subscriber.next(piece),
          error: (error: unknown) => {
            finished = true;
            subscriber.error(error);
          },
          complete: () => {
            finished = true;
            subscriber.complete();
          },
        });
        return () => {
          if (!finished) cancelled++;
          subscription.unsubscribe();
        };
      });
    },
  };
}
