import { describe, expect, it } from 'vitest';
import { parseFrame, readMessage, refusalError } from './cartesia-message.js';

describe('Cartesia messages', () => {
  it('reads the context of a frame, and what it says', () => {
    const frame = parseFrame('{"type":"chunk","data":"AAA=","done":false,"context_id":"c1"}');
    expect(frame.contextId).toBe('c1');
    expect(readMessage(frame.body)).toEqual({ type: 'chunk', data: 'AAA=' });
    expect(
      readMessage({
        type: 'timestamps',
        word_timestamps: { words: ['Xin', 'chào'], start: [0, 0.25], end: [0.2, 0.5] },
      }),
    ).toEqual({
      type: 'timestamps',
      words: [
        { text: 'Xin', startMs: 0, endMs: 200 },
        { text: 'chào', startMs: 250, endMs: 500 },
      ],
    });
    expect(readMessage({ type: 'done', done: true })).toEqual({ type: 'done' });
    expect(readMessage({ type: 'flush_done' })).toEqual({ type: 'other' });
    expect(parseFrame('{"type":"error"}').contextId).toBeUndefined();
  });

  it('turns an error into a typed one, in either version of its fields', () => {
    expect(
      refusalError({
        status_code: 429,
        title: 'Too many requests',
        message: 'limit',
        error_code: 'concurrency_limited',
      }),
    ).toMatchObject({
      code: 'HTTP_ERROR',
      status: 429,
      message: 'Cartesia refused: concurrency_limited: Too many requests: limit',
    });
    expect(refusalError({ status_code: 400, error: 'Invalid model' })).toMatchObject({
      code: 'HTTP_ERROR',
      status: 400,
      message: 'Cartesia refused: Invalid model',
    });
    expect(refusalError({ status_code: 400, error_code: 'voice_not_found' }).code).toBe(
      'UNKNOWN_VOICE',
    );
  });

  it.each([
    [
      () => parseFrame('<html>502</html>'),
      /^Cartesia sent what is not a JSON object: <html>502<\/html>$/,
    ],
    [() => parseFrame('"chunk"'), /^Cartesia sent what is not a JSON object: "chunk"$/],
    [() => readMessage({ type: 'chunk', data: 42 }), /chunk whose data is not base64/],
    [() => readMessage({ type: 'timestamps' }), /timestamps without words, start and end/],
    [
      () =>
        readMessage({
          type: 'timestamps',
          word_timestamps: { words: ['a', 'b'], start: [0], end: [1, 2] },
        }),
      /for 2 words with 1 starts and 2 ends/,
    ],
    [
      () =>
        readMessage({
          type: 'timestamps',
          word_timestamps: { words: ['a'], start: [2], end: [1] },
        }),
      /start ≤ its end/,
    ],
  ])('refuses malformed messages with INVALID_RESPONSE (%#)', (read, message) => {
    expect(read).toThrow(message);
    expect(read).toThrow(expect.objectContaining({ name: 'TtsError', code: 'INVALID_RESPONSE' }));
  });
});
