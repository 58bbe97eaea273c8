import { describe, expect, it } from 'vitest';
import { finalTranscript } from './ai-sdk-stt.js';

describe('finalTranscript: a model’s answer as the turn’s final transcript', () => {
  it('trims the text, keeps the language, and turns segments into timings in ms', () => {
    expect(
      finalTranscript({
        text: ' xin chào ',
        language: 'vi',
        segments: [
          { text: ' xin', startSecond: 0.12, endSecond: 0.4 },
          { text: 'chào ', startSecond: 0.4, endSecond: 0.9 },
        ],
      }),
    ).toEqual({
      type: 'final',
      text: 'xin chào',
      language: 'vi',
      timings: [
        { text: 'xin', startMs: 120, endMs: 400 },
        { text: 'chào', startMs: 400, endMs: 900 },
      ],
    });
  });

  it('leaves out a language and timings the model did not give', () => {
    expect(finalTranscript({ text: 'ok', language: undefined, segments: [] })).toEqual({
      type: 'final',
      text: 'ok',
    });
  });
});
