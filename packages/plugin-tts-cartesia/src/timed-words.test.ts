import { describe, expect, it } from 'vitest';
import { TimedWords } from './timed-words.js';

const word = (text: string, startMs: number, endMs: number) => ({ text, startMs, endMs });

describe('TimedWords', () => {
  it('holds each word until its audio has arrived', () => {
    const words = new TimedWords();
    words.add([word('Xin', 0, 180), word('chào', 240, 480)]);
    expect(words.release(100)).toEqual([]);
    expect(words.release(200)).toEqual([word('Xin', 0, 180)]);
    words.add([word('anh.', 540, 780)]);
    expect(words.release(800)).toEqual([word('chào', 240, 480), word('anh.', 540, 780)]);
    expect(words.finish(800)).toEqual([]);
  });

  it('at the end, cuts a word that runs a little past the audio back to its end', () => {
    const words = new TimedWords();
    words.add([word('ạ', 0, 150)]);
    expect(words.release(100)).toEqual([]);
    expect(words.finish(100)).toEqual([word('ạ', 0, 100)]);
  });

  it('refuses words that go back in time, or end far past the audio', () => {
    const back = new TimedWords();
    back.add([word('một', 300, 400)]);
    expect(() => back.add([word('hai', 100, 200)])).toThrow(
      'Cartesia sent word timestamps out of order: "hai" at 100 ms, after one at 300 ms',
    );
    const late = new TimedWords();
    late.add([word('ba', 0, 5000)]);
    expect(() => late.finish(1000)).toThrow(
      expect.objectContaining({
        code: 'INVALID_RESPONSE',
        message: expect.stringMatching(/past the audio/),
      }),
    );
  });
});
