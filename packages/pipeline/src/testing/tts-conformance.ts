import { lastValueFrom, take, tap, toArray } from 'rxjs';
import type { TextToSpeech } from '../text-to-speech.js';
import type { TestApi } from './test-api.js';

/** Options of `describeTtsConformance`. */
export interface TtsConformanceOptions {
  /** A voice of the engine's to test with (default: its first). */
  readonly voice?: string;
  /** A voice it does not have (default `no-such-voice`). */
  readonly unknownVoice?: string;
}

/** Registers the conformance suite for a `TextToSpeech` plugin. */
export function describeTtsConformance(
  tts: TextToSpeech,
  test: TestApi,
  options: TtsConformanceOptions = {},
): void {
  const { describe, it, expect } = test;
  const voice = options.voice ?? tts.voices[0];
  const say = (text: string) => tts.synthesize(text, voice === undefined ? {} : { voice });

  describe(`${tts.name}: text-to-speech conformance (specification 1)`, () => {
    it('describes itself', () => {
      expect(tts.specificationVersion).toBe(1);
      expect(tts.name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(Number.isInteger(tts.sampleRate) && tts.sampleRate > 0).toBe(true);
      expect(tts.voices.length).toBeGreaterThan(0);
    });

    it('emits mono Int16 pieces, audible, about as long as the words, then completes', async () => {
      const pieces = await lastValueFrom(
        say('Hello, this is a test of the speech engine.').pipe(toArray()),
      );
      expect(pieces.length).toBeGreaterThan(0);
      for (const piece of pieces) expect(piece).toBeInstanceOf(Int16Array);
      const samples = pieces.reduce((sum, p) => sum + p.length, 0);
      const seconds = samples / tts.sampleRate;
      expect(seconds).toBeGreaterThan(1);
      expect(seconds).toBeLessThan(8);
      let peak = 0;
      for (const piece of pieces) for (const s of piece) peak = Math.max(peak, Math.abs(s));
      expect(peak).toBeGreaterThan(1000);
    });

    it('is cold: each subscription synthesises the same speech anew', async () => {
      const once = say('Again.');
      const a = await lastValueFrom(once.pipe(toArray()));
      const b = await lastValueFrom(once.pipe(toArray()));
      // Engines may carry a little state between utterances (a few samples of phase).
      const length = (pieces: Int16Array[]) => pieces.reduce((n, p) => n + p.length, 0);
      expect(Math.abs(length(b) - length(a))).toBeLessThanOrEqual(length(a) * 0.01);
    });

    it('completes without audio for empty text', async () => {
      const pieces = await lastValueFrom(say('   ').pipe(toArray()));
      expect(pieces.reduce((n, p) => n + p.length, 0)).toBe(0);
    });

    it('errors (not throws) for an unknown voice', async () => {
      const unknown = tts.synthesize('Hello.', { voice: options.unknownVoice ?? 'no-such-voice' });
      await expect(lastValueFrom(unknown)).rejects.toBeInstanceOf(Error);
    });

    it('emits nothing more once unsubscribed (barge-in)', async () => {
      let seen = 0;
      const first = await lastValueFrom(
        say('This sentence goes on. '.repeat(20)).pipe(
          tap(() => seen++),
          take(1),
        ),
      );
      expect(first).toBeInstanceOf(Int16Array);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toBe(1);
    });
  });
}
