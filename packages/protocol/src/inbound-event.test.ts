import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  closedEvent,
  connectedEvent,
  decodeEvent,
  encodeEvent,
  mediaEvent,
  PSR_CHANNELS,
  type PsrEvent,
} from './inbound-event.js';

const callId = 'aaaaaaaa-1111-2222-3333-eeeeeeee';
const frame = (overrides: Record<string, unknown>, data: Record<string, unknown> = {}): string =>
  JSON.stringify({
    timestamp: 1703825536716,
    event: 'connected',
    data: { call_id: callId, channel: 'mono_a', ...data },
    ...overrides,
  });

describe('decodeEvent', () => {
  it('decodes connected and closed', () => {
    expect(decodeEvent(frame({}))).toEqual({
      type: 'connected',
      timestamp: 1703825536716,
      callId,
      channel: 'mono_a',
    });
    expect(decodeEvent(frame({ event: 'closed' }, { channel: 'mono_b' }))).toMatchObject({
      type: 'closed',
      channel: 'mono_b',
    });
  });

  it('accepts the frame as UTF-8 bytes (as ws delivers it)', () => {
    expect(decodeEvent(new TextEncoder().encode(frame({})))).toMatchObject({
      type: 'connected',
      callId,
    });
  });

  it('keeps unknown events whole instead of throwing', () => {
    const event = decodeEvent('{"event":"dtmf","digit":"5","timestamp":1}');
    expect(event).toEqual({
      type: 'unknown',
      event: 'dtmf',
      raw: { event: 'dtmf', digit: '5', timestamp: 1 },
    });
  });

  it('reports fields the contract does not define', () => {
    const event = decodeEvent(frame({ seq: 4 }, { direction: 'in' }));
    expect(event).toMatchObject({ type: 'connected', extraFields: ['$.seq', '$.data.direction'] });
  });

  it.each([
    ['not JSON', '{"event":', 'INVALID_JSON', '$'],
    ['a JSON array', '[1,2]', 'INVALID_FIELD', '$'],
    ['no event', '{"timestamp":1}', 'MISSING_FIELD', '$.event'],
    ['event of the wrong type', '{"event":7}', 'INVALID_FIELD', '$.event'],
    ['no timestamp', frame({ timestamp: undefined }), 'MISSING_FIELD', '$.timestamp'],
    ['a string timestamp', frame({ timestamp: '1703825536716' }), 'INVALID_FIELD', '$.timestamp'],
    ['a negative timestamp', frame({ timestamp: -5 }), 'INVALID_FIELD', '$.timestamp'],
    ['no data', frame({ data: undefined }), 'MISSING_FIELD', '$.data'],
    ['data as a string', frame({ data: 'x' }), 'INVALID_FIELD', '$.data'],
    ['no call_id', frame({}, { call_id: undefined }), 'MISSING_FIELD', '$.data.call_id'],
    ['an empty call_id', frame({}, { call_id: '' }), 'INVALID_FIELD', '$.data.call_id'],
    ['an unknown channel', frame({}, { channel: 'quad' }), 'INVALID_FIELD', '$.data.channel'],
    ['media without media', frame({ event: 'media' }), 'MISSING_FIELD', '$.media'],
    [
      'media without payload',
      frame({ event: 'media', media: {} }),
      'MISSING_FIELD',
      '$.media.payload',
    ],
    [
      'a numeric payload',
      frame({ event: 'media', media: { payload: 5 } }),
      'INVALID_FIELD',
      '$.media.payload',
    ],
    [
      'bad base64',
      frame({ event: 'media', media: { payload: 'AA!A' } }),
      'INVALID_BASE64',
      '$.media.payload',
    ],
    [
      'an odd PCM byte count',
      frame({ event: 'media', media: { payload: 'AAAA' } }),
      'ODD_PCM_LENGTH',
      '$.media.payload',
    ],
  ])('rejects %s with code and path', (_name, text, code, path) => {
    expect(() => decodeEvent(text)).toThrow(
      expect.objectContaining({ name: 'ProtocolError', code, path }),
    );
  });

  it('rejects invalid UTF-8 bytes', () => {
    expect(() => decodeEvent(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(
      expect.objectContaining({ code: 'INVALID_UTF8' }),
    );
  });

  it('refuses a payload over the limit before decoding it', () => {
    const payload = Buffer.alloc(4002).toString('base64');
    const text = frame({ event: 'media', media: { payload } });
    expect(() => decodeEvent(text, { maxPayloadBytes: 4000 })).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE', path: '$.media.payload' }),
    );
    expect(decodeEvent(text, { maxPayloadBytes: 4002 })).toMatchObject({ type: 'media' });
  });
});

describe('encodeEvent', () => {
  it('writes the contract shape', () => {
    const text = encodeEvent(
      mediaEvent({ callId, channel: 'stereo', samples: Int16Array.from([1, 2]), timestamp: 7 }),
    );
    expect(JSON.parse(text)).toEqual({
      timestamp: 7,
      event: 'media',
      media: { payload: 'AQACAA==' },
      data: { call_id: callId, channel: 'stereo' },
    });
  });

  it('builders stamp the time and check their input', () => {
    const before = Date.now();
    expect(connectedEvent({ callId, channel: 'stereo' }).timestamp).toBeGreaterThanOrEqual(before);
    expect(() => mediaEvent({ callId, channel: 'stereo', samples: new Int16Array(3) })).toThrow(
      /even number/,
    );
    expect(() => closedEvent({ callId: '', channel: 'stereo' })).toThrow(/must not be empty/);
  });

  it('round-trips every event through decodeEvent', () => {
    const identifier = fc
      .string({ minLength: 1, maxLength: 60 })
      .filter((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s));
    const init = fc.record({
      callId: identifier,
      channel: fc.constantFrom(...PSR_CHANNELS),
      timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    });
    const event: fc.Arbitrary<PsrEvent> = fc.oneof(
      init.map((i) => connectedEvent(i)),
      init.map((i) => closedEvent(i)),
      fc
        .tuple(init, fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 400 }))
        .map(([i, s]) =>
          mediaEvent({
            ...i,
            samples: Int16Array.from(i.channel === 'stereo' && s.length % 2 ? s.slice(1) : s),
          }),
        ),
    );
    fc.assert(
      fc.property(event, (original) => {
        const decoded = decodeEvent(encodeEvent(original));
        expect(decoded).toMatchObject({
          type: original.type,
          callId: original.callId,
          channel: original.channel,
          timestamp: original.timestamp,
        });
        if (original.type === 'media' && decoded.type === 'media')
          expect([...decoded.samples]).toEqual([...original.samples]);
      }),
    );
  });
});
