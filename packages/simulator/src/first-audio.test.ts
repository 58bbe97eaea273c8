import { performance } from 'node:perf_hooks';
import { createTestTts } from '@psrkit/pipeline/testing';
import { type Observable, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { formatFirstAudioTable, measureFirstAudio, timedFirstAudio } from './first-audio.js';

describe('measureFirstAudio', () => {
  it('times each call from the engine’s first audio to the first chunk at the PSR peer', async () => {
    const engine = createTestTts({ sampleRate: 24_000 });
    let firstBytesAt: number | undefined;
    const tts = {
      ...engine,
      speak: (text: string | Observable<string>) =>
        engine.speak(text).pipe(
          tap(() => {
            firstBytesAt ??= performance.now();
          }),
        ),
    };
    let calls = 0;
    const result = await measureFirstAudio({
      tts,
      text: 'Hello there, this is a test.',
      runs: 5,
      warmUpRuns: 1,
      referenceAt: () => {
        calls++;
        const at = firstBytesAt;
        firstBytesAt = undefined;
        return at;
      },
    });
    expect(calls).toBe(6); // one untimed, then five
    expect(engine.spoken).toHaveLength(6);
    for (const span of [result.plugin, result.line, result.total]) {
      expect(span.p50).toBeGreaterThanOrEqual(0);
      expect(span.p95).toBeGreaterThanOrEqual(span.p50);
    }
    expect(result.total.p95).toBeGreaterThanOrEqual(result.line.p50);
  });

  it('times a plugin’s first audio itself, for a reference row, and prints rows as ratios to it', async () => {
    const timed = timedFirstAudio(createTestTts());
    const reference = await measureFirstAudio({
      tts: timed.tts,
      text: 'Hello there.',
      runs: 3,
      referenceAt: timed.take,
    });
    expect(timed.take()).toBeUndefined(); // taken after each call
    const table = formatFirstAudioTable([
      { name: 'reference', result: reference },
      {
        name: 'twice as slow',
        result: { ...reference, line: { p50: 1, p95: reference.line.p95 * 2 } },
      },
    ]).split('\n');
    expect(table).toHaveLength(4);
    expect(table[2]).toMatch(/^\| reference \| .* \| 1\.00× \|/);
    expect(table[3]).toMatch(/^\| twice as slow \| .* \| 2\.00× \|/);
  });
});
