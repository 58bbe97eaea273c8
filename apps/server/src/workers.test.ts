import { placeCall } from '@psrkit/simulator';
import { describe, expect, it } from 'vitest';
import { spawnServer } from './__fixtures__/spawn-server.js';

const tone = (ms: number) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * 300 * i) / 8000));

describe('psrkit-server --workers', () => {
  it('runs N processes on one port, spreads calls over them, and stops them all on SIGTERM', async () => {
    const server = await spawnServer(['--workers', '2'], { listeners: 2 });
    try {
      const { url, logs } = server;
      const listening = new Set(logs.filter((l) => l['msg'] === 'listening').map((l) => l['url']));
      expect(listening.size).toBe(1); // one port, shared
      const reports = await Promise.all(
        Array.from({ length: 6 }, () =>
          placeCall({ url, caller: [{ atMs: 200, samples: tone(600) }], tailMs: 4000 }),
        ),
      );
      // Every call was served: the bot greeted it, or (the caller speaking before a cold
      // worker's greeting was ready) answered its words; nothing broke the contract.
      for (const report of reports) {
        expect(report.violations).toEqual([]);
        expect(report.actions.length).toBeGreaterThan(0);
      }
      const pids = new Set(logs.filter((l) => l['msg'] === 'call accepted').map((l) => l['pid']));
      expect(pids.size).toBe(2);
      server.process.kill('SIGTERM'); // the primary only: it stops its workers
      expect(await server.exited).toBe(0);
      expect(logs.filter((l) => l['msg'] === 'stopped')).toHaveLength(2);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
