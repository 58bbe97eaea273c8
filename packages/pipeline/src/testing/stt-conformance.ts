import { from, lastValueFrom, toArray } from 'rxjs';
import type { AudioFrame } from '../audio-frame.js';
import type { SpeechToText } from '../speech-to-text.js';
import type { TestApi } from './test-api.js';

/** Options of `describeSttConformance`. */
export interface SttConformanceOptions {
  /** 8 kHz (or the engine's first rate) mono speech to transcribe, one utterance. */
  readonly speech: Int16Array;
  /** What the engine must hear in it (a final transcript matching this). */
  readonly expected: RegExp;
  /** Passed to `transcribe`. */
  readonly language?: string;
}

/** Registers the conformance suite for a `SpeechToText` plugin. */
export function describeSttConformance(
  stt: SpeechToText,
  { describe, it, expect }: TestApi,
  options: SttConformanceOptions,
): void {
  const rate = stt.sampleRates[0]!;
  const framesOf = (samples: Int16Array): AudioFrame[] => {
    const size = rate / 50;
    const frames: AudioFrame[] = [];
    for (let at = 0; at < samples.length; at += size)
      frames.push({
        samples: samples.slice(at, at + size),
        sampleRate: rate,
        channel: 'a',
        startSample: at,
      });
    return frames;
  };
  const transcribe = (samples: Int16Array) =>
    stt.transcribe(
      from(framesOf(samples)),
      options.language === undefined ? {} : { language: options.language },
    );

  describe(`${stt.name}: speech-to-text conformance (specification 1)`, () => {
    it('describes itself', () => {
      expect(stt.specificationVersion).toBe(1);
      expect(stt.name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(stt.sampleRates.length).toBeGreaterThan(0);
      expect(typeof stt.streaming).toBe('boolean');
    });

    it('hears the speech: final transcripts that say it, then completes', async () => {
      const transcripts = await lastValueFrom(transcribe(options.speech).pipe(toArray()));
      const finals = transcripts.filter((t) => t.type === 'final');
      expect(finals.length).toBeGreaterThan(0);
      expect(finals.map((t) => t.text).join(' ')).toMatch(options.expected);
      for (const t of transcripts) {
        expect(['interim', 'final']).toContain(t.type);
        if (t.confidence !== undefined) {
          expect(t.confidence).toBeGreaterThanOrEqual(0);
          expect(t.confidence).toBeLessThanOrEqual(1);
        }
        for (const timing of t.timings ?? [])
          expect(timing.endMs).toBeGreaterThanOrEqual(timing.startMs);
      }
      // Interim results, if any, come before the last final one.
      expect(transcripts.at(-1)!.type).toBe('final');
    });

    it('is cold: nothing happens until subscribed, and each subscription transcribes anew', async () => {
      const stream = transcribe(options.speech);
      const [a, b] = await Promise.all([
        lastValueFrom(stream.pipe(toArray())),
        lastValueFrom(stream.pipe(toArray())),
      ]);
      const text = (ts: typeof a) =>
        ts
          .filter((t) => t.type === 'final')
          .map((t) => t.text)
          .join(' ');
      expect(text(b)).toBe(text(a));
    });

    it('completes for silence, with no final transcript that says anything', async () => {
      const transcripts = await lastValueFrom(transcribe(new Int16Array(rate)).pipe(toArray()));
      expect(transcripts.filter((t) => t.type === 'final' && t.text.trim() !== '')).toEqual([]);
    });

    it('emits nothing more once unsubscribed (barge-in, or the call ending)', async () => {
      const seen: unknown[] = [];
      const subscription = transcribe(options.speech).subscribe({
        next: (t) => seen.push(t),
        error: (e: unknown) => seen.push(e),
      });
      subscription.unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen).toEqual([]);
    });
  });
}
