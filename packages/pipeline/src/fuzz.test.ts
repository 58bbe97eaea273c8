import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PipelineError } from './errors.js';
import { createMp3Encoder } from './mp3-encoder.js';
import { parseMp3FrameHeader, splitMp3Frames } from './mp3-frame-header.js';

/** Runs per property; `pnpm fuzz` sets FUZZ_RUNS=1000000. */
const numRuns = Number(process.env['FUZZ_RUNS'] ?? 400);

function resultOrPipelineError(work: () => void): void {
  try {
    work();
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    expect(error.code).toMatch(/^[A-Z0-9_]+$/);
    expect(error.where.length).toBeGreaterThan(0);
  }
}

const encoder = createMp3Encoder();
const valid = (() => {
  const pcm = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
  const frames = [...encoder.encode(pcm), ...encoder.flush()].map((f) => f.data);
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
})();

describe('fuzz: the MP3 frame parser takes any bytes', () => {
  it('arbitrary bytes: frames, or a typed error; frames never overrun the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) =>
        resultOrPipelineError(() => {
          const { frames, rest } = splitMp3Frames(bytes);
          expect(frames.reduce((n, f) => n + f.length, 0) + rest).toBe(bytes.length);
        }),
      ),
      { numRuns },
    );
  });

  it('any 4-byte header: a header whose frame length is bounded, or a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (header) =>
        resultOrPipelineError(() => {
          const parsed = parseMp3FrameHeader(header);
          // A lying header cannot claim more than MPEG allows (free format is refused).
          expect(parsed.frameLength).toBeGreaterThan(4);
          expect(parsed.frameLength).toBeLessThanOrEqual(2881);
        }),
      ),
      { numRuns },
    );
  });

  it('real frames with bytes overwritten or cut: frames, or a typed error', () => {
    const mutation = fc.record({
      writes: fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
        maxLength: 8,
      }),
      cut: fc.nat(valid.length),
    });
    fc.assert(
      fc.property(mutation, ({ writes, cut }) => {
        const bytes = valid.slice(0, cut);
        for (const [at, value] of writes) if (at < bytes.length) bytes[at] = value;
        resultOrPipelineError(() => splitMp3Frames(bytes));
      }),
      { numRuns },
    );
  });
});
