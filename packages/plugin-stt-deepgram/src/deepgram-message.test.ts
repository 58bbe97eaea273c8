import { describe, expect, it } from 'vitest';
import { readDeepgramMessage } from './deepgram-message.js';

const results = (fields: object) => JSON.stringify({ type: 'Results', ...fields });

describe('readDeepgramMessage', () => {
  it('reads Results as interim or final transcripts, with confidence and word times', () => {
    const final = readDeepgramMessage(
      results({
        is_final: true,
        channel: {
          alternatives: [
            {
              transcript: ' xin chào ',
              confidence: 0.9,
              words: [
                { word: 'xin', start: 0.1, end: 0.35 },
                { word: 'chào', punctuated_word: 'chào.', start: 0.4, end: 0.7 },
              ],
            },
          ],
        },
      }),
      'vi',
    );
    expect(final).toEqual({
      kind: 'transcript',
      transcript: {
        type: 'final',
        text: 'xin chào',
        language: 'vi',
        confidence: 0.9,
        timings: [
          { text: 'xin', startMs: 100, endMs: 350 },
          { text: 'chào.', startMs: 400, endMs: 700 },
        ],
      },
    });
    const interim = readDeepgramMessage(
      results({ channel: { alternatives: [{ transcript: 'xin' }] } }),
      'vi',
    );
    expect(interim).toEqual({
      kind: 'transcript',
      transcript: { type: 'interim', text: 'xin', language: 'vi' },
    });
  });

  it('marks a speech_final result as the end of an utterance (endOfSpeech)', () => {
    const said = (fields: object) =>
      readDeepgramMessage(
        results({ channel: { alternatives: [{ transcript: 'hello there.' }] }, ...fields }),
        'en',
      );
    expect(said({ is_final: true, speech_final: true })).toEqual({
      kind: 'transcript',
      transcript: { type: 'final', text: 'hello there.', language: 'en', endOfSpeech: true },
    });
    expect(said({ is_final: true, speech_final: false })).toEqual({
      kind: 'transcript',
      transcript: { type: 'final', text: 'hello there.', language: 'en' },
    });
  });

  it('says nothing for metadata, speech events and settled silence', () => {
    expect(readDeepgramMessage(JSON.stringify({ type: 'Metadata' }), 'en')).toEqual({
      kind: 'none',
    });
    expect(
      readDeepgramMessage(results({ channel: { alternatives: [{ transcript: ' ' }] } }), 'en'),
    ).toEqual({ kind: 'none' });
  });

  it('turns an Error message and what is not JSON into INVALID_RESPONSE, cut short', () => {
    const error = readDeepgramMessage(
      JSON.stringify({ type: 'Error', description: 'bad key' }),
      'en',
    );
    expect(error).toMatchObject({
      kind: 'error',
      error: { code: 'INVALID_RESPONSE', message: 'Deepgram: bad key' },
    });
    const garbage = readDeepgramMessage(`<${'x'.repeat(500)}`, 'en');
    expect(garbage.kind === 'error' && garbage.error.message).toBe(
      `Deepgram sent what is not JSON: <${'x'.repeat(199)}…`,
    );
  });
});
