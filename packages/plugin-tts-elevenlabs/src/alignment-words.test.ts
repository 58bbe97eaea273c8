import { TtsError } from '@psrkit/pipeline';
import { describe, expect, it } from 'vitest';
import { AlignmentWords } from './alignment-words.js';

/** Characters of `text`, each `ms` long, timed from 0 (as ElevenLabs times a chunk). */
const chunk = (text: string, ms = 50) => ({
  chars: [...text],
  startsMs: [...text].map((_, i) => i * ms),
  durationsMs: [...text].map(() => ms),
});

describe('AlignmentWords', () => {
  it('moves each chunk to where it starts in the speech, and ends words at white space', () => {
    const words = new AlignmentWords();
    // "Xin chào" in two chunks of 200 ms: "Xin " then "chào".
    expect(words.push(chunk('Xin '), 0, 200)).toEqual([{ text: 'Xin', startMs: 0, endMs: 150 }]);
    expect(words.push(chunk('chào'), 200, 400)).toEqual([]);
    expect(words.finish()).toEqual([{ text: 'chào', startMs: 200, endMs: 400 }]);
    expect(words.finish()).toEqual([]);
  });

  it('puts together a word split across chunks', () => {
    const words = new AlignmentWords();
    expect(words.push(chunk(' Ng'), 0, 150)).toEqual([]);
    expect(words.push(chunk('uyễn Nam'), 150, 550)).toEqual([
      { text: 'Nguyễn', startMs: 50, endMs: 350 },
    ]);
    expect(words.finish()).toEqual([{ text: 'Nam', startMs: 400, endMs: 550 }]);
  });

  it('cuts a character that runs a little past the audio back to its end', () => {
    const words = new AlignmentWords();
    words.push(chunk('ok', 60), 0, 100);
    expect(words.finish()).toEqual([{ text: 'ok', startMs: 0, endMs: 100 }]);
  });

  it('refuses times that go back, or run far past the audio', () => {
    const back = new AlignmentWords();
    back.push(chunk('abc'), 0, 150);
    expect(() => back.push(chunk('d'), 50, 200)).toThrow(/out of order/);
    const late = new AlignmentWords();
    const error = (() => {
      try {
        late.push(chunk('abc', 1000), 0, 150);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TtsError);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', message: /past the audio/ });
  });
});
