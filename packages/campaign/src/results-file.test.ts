import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from './embedded-engine.js';
import { openResultsFile } from './results-file.js';
import { allAttempts, scriptedDialer, testContacts, testSpec, until } from './testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'psrkit-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openResultsFile', () => {
  it('keeps one row per attempt: appended as attempts end, rewritten for a new result column or a late call', async () => {
    const engine = createEmbeddedEngine({ path: join(dir, 'c.db') });
    const dialer = scriptedDialer();
    const stop = new AbortController();
    const running = engine.run((r) => dialer.dial(r), stop.signal);
    try {
      const spec = testSpec({ ringTimeoutMs: 1000, maxAttempts: 1 });
      await engine.create(spec, testContacts(2));
      const path = join(dir, 'results.csv');
      const file = await openResultsFile(path, engine, spec.id);
      engine.watch((e) => {
        if (e.type === 'attempt-changed' && e.attempt.phase === 'ended') file.append(e.attempt);
      });
      await engine.start(spec.id);
      await until(() => dialer.requests.length === 2);
      const [first, late] = dialer.requests.map((r) => r.attemptId) as [string, string];
      await engine.callEnded(first, {
        at: Date.now(),
        outcome: 'completed',
        reason: 'x',
        result: { promised: 'yes' },
      });
      await until(async () =>
        (await allAttempts(engine, spec.id)).every((a) => a.phase === 'ended'),
      );
      // The second call comes after its ring timeout: taken back, then ended.
      await engine.callAnswered(late, Date.now());
      await engine.callEnded(late, {
        at: Date.now(),
        outcome: 'completed',
        reason: 'late',
        result: { promised: 'no' },
      });
      await file.close();
      const rows = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => [r['attempt_id'], r['outcome'], r['promised']])).toEqual([
        [first, 'completed', 'yes'],
        [late, 'completed', 'no'],
      ]);
    } finally {
      stop.abort();
      await running;
      await engine.close();
    }
  });
});
