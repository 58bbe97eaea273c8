import { PsrkitError } from '@psrkit/protocol';
import { from, lastValueFrom, type Observable, take, tap, toArray } from 'rxjs';
import type { SpeechPiece, TextToSpeechV2 } from '../text-to-speech.js';
import { type WordTiming, wordTimingProblem } from '../word-timing.js';
import type { TestApi } from './test-api.js';

/** Options of {@link describeTtsV2Conformance}. */
export interface TtsV2ConformanceOptions {
  /** A voice of the engine's to test with (default: its first). */
  readonly voice?: string;
  /** A voice it does not have (default `no-such-voice`). */
  readonly unknownVoice?: string;
  /**
   * Resolves once the engine has seen the last speech cancelled (the fake service saw the
   * request aborted, the context cancelled, the socket closed); without it, the kit checks
   * only that nothing more is emitted.
   */
  readonly engineStopped?: () => Promise<unknown>;
}

const TEXT = 'Hello, this is a test of the speech engine.';
const letters = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** All of a speech's pieces: its audio's length in ms, its words, whether any were measured. */
async function collect(speech: Observable<SpeechPiece>, sampleRate: number) {
  const pieces = await lastValueFrom(speech.pipe(toArray()));
  let samples = 0;
  let peak = 0;
  const words: WordTiming[] = [];
  let measured = false;
  for (const piece of pieces) {
    if (piece.type === 'words') {
      words.push(...piece.words);
      measured ||= !piece.estimated;
      continue;
    }
    if (!(piece.samples instanceof Int16Array)) throw new Error('an audio piece is not Int16Array');
    samples += piece.samples.length;
    for (const s of piece.samples) peak = Math.max(peak, Math.abs(s));
  }
  return { audioMs: (samples * 1000) / sampleRate, peak, words, measured };
}

/**
 * Registers the conformance suite of version 2 of the text-to-speech contract: a plugin
 * describes itself, speaks a string and text in pieces, times its words in order and
 * inside its audio (measured when it says it can), is cold, completes on empty text, fails
 * with a typed error, and stops when unsubscribed.
 */
export function describeTtsV2Conformance(
  tts: TextToSpeechV2,
  test: TestApi,
  options: TtsV2ConformanceOptions = {},
): void {
  const { describe, it, expect } = test;
  const voice = options.voice ?? tts.voices[0];
  const speak = (text: string | Observable<string>) =>
    tts.speak(text, voice === undefined ? {} : { voice });

  describe(`${tts.name}: text-to-speech conformance (specification 2)`, () => {
    it('describes itself', () => {
      expect(tts.specificationVersion).toBe(2);
      expect(tts.name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(tts.capabilities.sampleRates).toContain(tts.sampleRate);
      expect(tts.voices.length).toBeGreaterThan(0);
      expect(typeof tts.settingsKey === 'string' && tts.settingsKey.length > 0).toBe(true);
    });

    it('speaks a string: audible Int16 audio, its words timed in order and inside it', async () => {
      const { audioMs, peak, words, measured } = await collect(speak(TEXT), tts.sampleRate);
      expect(audioMs).toBeGreaterThan(1000);
      expect(audioMs).toBeLessThan(8000);
      expect(peak).toBeGreaterThan(1000);
      expect(wordTimingProblem(words, audioMs)).toBeUndefined();
      expect(letters(words.map((w) => w.text).join(''))).toBe(letters(TEXT));
      expect(measured).toBe(tts.capabilities.wordTimings);
    });

    it('speaks text given in pieces, as a model streams it', async () => {
      const whole = await collect(speak(TEXT), tts.sampleRate);
      const pieces = await collect(
        speak(from(['Hello, this', ' is a test of', ' the speech engine', '.'])),
        tts.sampleRate,
      );
      expect(letters(pieces.words.map((w) => w.text).join(''))).toBe(letters(TEXT));
      expect(Math.abs(pieces.audioMs - whole.audioMs)).toBeLessThan(whole.audioMs * 0.3);
    });

    it('is cold: each subscription speaks anew', async () => {
      const once = speak('Again, once more.');
      const a = await collect(once, tts.sampleRate);
      const b = await collect(once, tts.sampleRate);
      expect(a.audioMs).toBeGreaterThan(0);
      expect(Math.abs(a.audioMs - b.audioMs)).toBeLessThanOrEqual(a.audioMs * 0.05);
    });

    it('completes without audio for empty text', async () => {
      const { audioMs } = await collect(speak('   '), tts.sampleRate);
      expect(audioMs).toBe(0);
    });

    it('fails with a typed error (a code) for a voice it does not have', async () => {
      const unknown = tts.speak(TEXT, { voice: options.unknownVoice ?? 'no-such-voice' });
      const error = await lastValueFrom(unknown).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PsrkitError);
      expect(typeof (error as PsrkitError<string>).code).toBe('string');
    });

    it('stops when unsubscribed (barge-in): nothing more, the engine’s work cancelled', async () => {
      let seen = 0;
      await lastValueFrom(
        speak('This sentence goes on and on. '.repeat(12)).pipe(
          tap(() => seen++),
          take(1),
        ),
      );
      await options.engineStopped?.();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toBe(1);
    });
  });
}
