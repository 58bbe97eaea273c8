import { from, lastValueFrom, type Observable, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { asTextToSpeechV2, speakBySentence, speechAudio } from './speak-by-sentence.js';
import { createTestTts } from './testing/test-tts.js';
import { describeTtsV2Conformance } from './testing/tts-v2-conformance.js';
import type { SpeechPiece, TextToSpeech } from './text-to-speech.js';
import { estimateWordTimings, wordsHeard, wordTimingProblem } from './word-timing.js';

/** A version-1 engine: 100 ms of tone per character, in one piece per sentence. */
const v1: TextToSpeech = {
  specificationVersion: 1,
  name: 'tone-v1',
  sampleRate: 8000,
  voices: ['a'],
  synthesize: (text) => from([new Int16Array(text.length * 800).fill(5000)]),
};

const all = (speech: Observable<SpeechPiece>) => lastValueFrom(speech.pipe(toArray()));

describe('word timings', () => {
  it('estimates each word by its share of the characters; a word is heard once heard to its end', () => {
    const words = estimateWordTimings('Hello Nam.', 1000, 1000);
    expect(words).toEqual([
      { text: 'Hello', startMs: 1000, endMs: 1500 },
      { text: 'Nam.', startMs: 1600, endMs: 2000 },
    ]);
    expect(wordsHeard(words, 1499)).toBe('');
    expect(wordsHeard(words, 1500)).toBe('Hello');
    expect(wordsHeard(words, 2000)).toBe('Hello Nam.');
  });

  it('names the first word out of order or past the audio', () => {
    const word = (text: string, startMs: number, endMs: number) => ({ text, startMs, endMs });
    expect(wordTimingProblem([word('a', 0, 10), word('b', 20, 30)], 30)).toBeUndefined();
    expect(wordTimingProblem([word('a', 20, 30), word('b', 10, 15)], 30)).toBe(
      'word 2 ("b") starts at 10 ms, before the word ahead of it (20 ms)',
    );
    expect(wordTimingProblem([word('a', 0, 500)], 100)).toBe(
      'word 1 ("a") ends at 500 ms, after the audio (100 ms)',
    );
  });
});

describe('speakBySentence', () => {
  it('cuts streamed text at sentence ends and times each sentence’s words after its audio', async () => {
    const synthesized: string[] = [];
    const pieces = await all(
      speakBySentence(
        from(['Hello Nam, this is', ' psrkit. Your order ', 'ships today.']),
        (sentence) => {
          synthesized.push(sentence);
          return from([new Int16Array(sentence.length * 8)]); // 1 ms per character at 8 kHz
        },
        8000,
      ),
    );
    expect(synthesized).toEqual(['Hello Nam, this is psrkit.', 'Your order ships today.']);
    expect(pieces.map((p) => p.type)).toEqual(['audio', 'words', 'audio', 'words']);
    const words = pieces.flatMap((p) => (p.type === 'words' ? p.words : []));
    expect(words.at(-1)).toEqual({ text: 'today.', startMs: 43, endMs: 49 });
    expect(pieces.every((p) => p.type === 'audio' || p.estimated)).toBe(true);
  });
});

describe('a version-1 plugin through the adapter', () => {
  const adapted = asTextToSpeechV2(v1);
  it('keeps its name, rate and voices, and says it estimates', () => {
    expect(adapted).toMatchObject({
      specificationVersion: 2,
      name: 'tone-v1',
      sampleRate: 8000,
      voices: ['a'],
      capabilities: { streamingInput: false, wordTimings: false, sampleRates: [8000] },
    });
    expect(asTextToSpeechV2(adapted)).toBe(adapted);
  });

  it('speaks: the audio as the engine made it', async () => {
    const audio = await lastValueFrom(
      adapted.speak('Hello there, Nam.').pipe(speechAudio(), toArray()),
    );
    expect(audio.map((a) => a.length)).toEqual([17 * 800]);
  });
});

describeTtsV2Conformance(createTestTts(), { describe, it, expect });
describeTtsV2Conformance(createTestTts({ wordTimings: false }), { describe, it, expect });
