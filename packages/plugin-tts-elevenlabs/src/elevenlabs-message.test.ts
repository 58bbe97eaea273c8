import { describe, expect, it } from 'vitest';
import { parseServerMessage } from './elevenlabs-message.js';

describe('parseServerMessage', () => {
  it('reads an audio chunk, preferring the original characters to the normalised ones', () => {
    const alignment = { chars: ['a'], charStartTimesMs: [0], charDurationsMs: [40] };
    const normalizedAlignment = { chars: ['b'], charStartTimesMs: [0], charDurationsMs: [40] };
    expect(
      parseServerMessage(
        JSON.stringify({ audio: 'AAA=', isFinal: null, alignment, normalizedAlignment }),
      ),
    ).toEqual({
      kind: 'audio',
      audio: 'AAA=',
      isFinal: false,
      alignment: { chars: ['a'], startsMs: [0], durationsMs: [40] },
    });
    expect(parseServerMessage('{"isFinal":true,"audio":null,"normalizedAlignment":null}')).toEqual({
      kind: 'audio',
      audio: undefined,
      alignment: undefined,
      isFinal: true,
    });
  });

  it('reads a refusal', () => {
    const text = '{"message":"over quota","error":"quota_exceeded","code":1008}';
    expect(parseServerMessage(text)).toEqual({
      kind: 'refusal',
      error: 'quota_exceeded',
      message: 'over quota',
      code: 1008,
    });
  });

  it.each([
    ['<html>502</html>', /^ElevenLabs sent what is not a JSON object: <html>502<\/html>$/],
    ['[1,2]', /^ElevenLabs sent what is not a JSON object: \[1,2\]$/],
    ['{"audio":42}', /audio that is not a base64 string/],
    ['{"isFinal":"yes"}', /isFinal that is not a boolean/],
    ['{"alignment":{"chars":["a"]}}', /without chars/],
    [
      '{"alignment":{"chars":["a","b"],"charStartTimesMs":[0],"charDurationsMs":[1,2]}}',
      /2 characters with 1 start times/,
    ],
    [
      '{"alignment":{"chars":["a"],"charStartTimesMs":[-5],"charDurationsMs":[1]}}',
      /not a number of ms/,
    ],
    [`{"audio":"${'x'.repeat(1000)}`, /…$/],
  ])('refuses %s with INVALID_RESPONSE', (text, message) => {
    expect(() => parseServerMessage(text)).toThrow(message);
    try {
      parseServerMessage(text);
    } catch (error) {
      expect(error).toMatchObject({ name: 'TtsError', code: 'INVALID_RESPONSE' });
    }
  });
});
