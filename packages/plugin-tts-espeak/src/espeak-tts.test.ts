import { describeTtsConformance } from '@psrkit/pipeline/testing';
import { concatPcm } from '@psrkit/protocol';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createEspeakTts, EspeakError, splitSentences } from './espeak-tts.js';

const tts = await createEspeakTts();
describeTtsConformance(tts, { describe, it, expect }, { voice: 'en-us' });

const pcmOf = async (text: string, voice?: string) =>
  concatPcm(await lastValueFrom(tts.synthesize(text, voice ? { voice } : {}).pipe(toArray())));

describe('eSpeak NG plugin', () => {
  it('speaks English and Vietnamese at 22 050 Hz', async () => {
    expect(tts.sampleRate).toBe(22050);
    const en = await pcmOf('Hello, I would like to check my order.');
    const vi = await pcmOf('Xin chào anh, em có thể giúp gì cho anh?', 'vi');
    expect(en.length / 22050).toBeGreaterThan(1.5);
    expect(vi.length / 22050).toBeGreaterThan(1.5);
    // Different words, different audio.
    expect(Math.abs(en.length - vi.length)).toBeGreaterThan(0);
  });

  it('streams: more than one piece for a few sentences, the first well before the whole', async () => {
    const pieces = await lastValueFrom(
      tts.synthesize('One sentence here. Another one there. And a third.').pipe(toArray()),
    );
    expect(pieces.length).toBeGreaterThan(3);
  });

  it('splits text into sentences and clauses', () => {
    expect(splitSentences('Hello there!  How are you?\nFine; thanks.')).toEqual([
      'Hello there!',
      'How are you?',
      'Fine;',
      'thanks.',
    ]);
    expect(splitSentences('  \n ')).toEqual([]);
  });

  it('refuses unknown voices and bad options with a typed error', async () => {
    await expect(createEspeakTts({ voice: 'klingon' })).rejects.toMatchObject({
      code: 'UNKNOWN_VOICE',
    });
    await expect(createEspeakTts({ rate: 5 })).rejects.toBeInstanceOf(EspeakError);
    await expect(lastValueFrom(tts.synthesize('Hi.', { voice: 'klingon' }))).rejects.toMatchObject({
      code: 'UNKNOWN_VOICE',
    });
  });

  it('keeps calls apart: two voices synthesising at once each get their own voice', async () => {
    const [a, b] = await Promise.all([
      pcmOf('Good morning.', 'en-us'),
      pcmOf('Chào buổi sáng.', 'vi'),
    ]);
    const [a2, b2] = [await pcmOf('Good morning.', 'en-us'), await pcmOf('Chào buổi sáng.', 'vi')];
    // Same voice and words as alone (each worker's engine keeps a few samples of phase
    // between utterances, and the two may have spoken different things before).
    expect(Math.abs(a.length - a2.length)).toBeLessThan(a2.length * 0.03);
    expect(Math.abs(b.length - b2.length)).toBeLessThan(b2.length * 0.03);
    expect(Math.abs(a.length - b.length)).toBeGreaterThan(a.length * 0.05);
  });
});
