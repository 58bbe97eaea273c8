import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from './base64.js';
import { parseConnectionQuery } from './connection-query.js';
import { ProtocolError } from './errors.js';
import { decodeEvent } from './inbound-event.js';
import { decodeAction } from './outbound-action.js';
import { decodeWav, encodeWav } from './wav.js';

/** Runs per property; `FUZZ_RUNS=1000000 pnpm fuzz` for the long run. */
const numRuns = Number(process.env['FUZZ_RUNS'] ?? 400);

/** The only allowed outcomes of untrusted input: a value, or a ProtocolError. */
function resultOrProtocolError(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    expect(error.code).toMatch(/^[A-Z0-9_]+$/);
    expect(error.path.length).toBeGreaterThan(0);
  }
}

// JSON values shaped like frames, with every field liable to be missing or of any type.
const anyJson = fc.jsonValue({ maxDepth: 3 });
const frameLike = fc.record(
  {
    timestamp: fc.oneof(fc.integer(), fc.double(), anyJson),
    event: fc.oneof(
      fc.constantFrom('connected', 'media', 'closed', 'chunk', 'transfer', 'hangup', 'tranfer'),
      anyJson,
    ),
    media: fc.oneof(
      fc.record(
        {
          payload: fc.oneof(fc.base64String({ maxLength: 200 }), fc.string(), anyJson),
          is_sync: fc.oneof(fc.boolean(), anyJson),
          format: fc.oneof(fc.constantFrom('mp3', 'pcm16'), anyJson),
        },
        { requiredKeys: [] },
      ),
      anyJson,
    ),
    data: fc.oneof(
      fc.record(
        {
          call_id: fc.oneof(fc.uuid(), fc.string(), anyJson),
          channel: fc.oneof(fc.constantFrom('stereo', 'mono_a', 'mono_b'), anyJson),
          extension: fc.oneof(fc.constantFrom('101', ''), fc.string(), anyJson),
        },
        { requiredKeys: [] },
      ),
      anyJson,
    ),
  },
  { requiredKeys: [] },
);

describe('untrusted input never yields anything but a result or a ProtocolError', () => {
  const decoders = { decodeEvent, decodeAction };
  for (const [name, decode] of Object.entries(decoders)) {
    it(`${name}: arbitrary strings`, () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) =>
          resultOrProtocolError(() => decode(text)),
        ),
        { numRuns },
      );
    });
    it(`${name}: arbitrary bytes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) =>
          resultOrProtocolError(() => decode(bytes)),
        ),
        { numRuns },
      );
    });
    it(`${name}: frame-shaped JSON with wrong types`, () => {
      fc.assert(
        fc.property(frameLike, (frame) =>
          resultOrProtocolError(() => decode(JSON.stringify(frame))),
        ),
        { numRuns },
      );
    });
  }

  it('decodeBase64: arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) =>
        resultOrProtocolError(() => decodeBase64(text)),
      ),
      { numRuns },
    );
  });

  it('parseConnectionQuery: arbitrary strings and query-shaped URLs', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) =>
        resultOrProtocolError(() => parseConnectionQuery(text)),
      ),
      { numRuns },
    );
    const part = fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent);
    const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom('call_id', 'tenant'), part), part), {
      maxLength: 6,
    });
    fc.assert(
      fc.property(query, (pairs) =>
        resultOrProtocolError(() =>
          parseConnectionQuery(`/ws?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
        ),
      ),
      { numRuns },
    );
  });

  it('decodeWav: arbitrary bytes, and valid files with random bytes overwritten or cut', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) =>
        resultOrProtocolError(() => decodeWav(bytes)),
      ),
      { numRuns },
    );
    const valid = encodeWav({
      sampleRate: 8000,
      channels: 1,
      samples: Int16Array.from({ length: 64 }, (_, i) => i * 100),
    });
    const mutation = fc.record({
      writes: fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
        maxLength: 8,
      }),
      cut: fc.nat(valid.length),
    });
    fc.assert(
      fc.property(mutation, ({ writes, cut }) => {
        const bytes = valid.slice(0, Math.max(cut, 12));
        for (const [at, value] of writes) if (at < bytes.length) bytes[at] = value;
        resultOrProtocolError(() => {
          const wav = decodeWav(bytes, { allowTruncated: true });
          // A lying header must never make the reader allocate more than the file holds.
          expect(wav.samples.length).toBeLessThanOrEqual(bytes.length);
        });
      }),
      { numRuns },
    );
  });
});
