import { getPriority } from 'node:os';
import { expect, it } from 'vitest';
import { startWorkerThread } from './worker-thread.js';

it.runIf(process.platform === 'linux')(
  'a synthesis thread runs 3 nice steps below the event loop, which keeps its own',
  { timeout: 120_000 },
  async () => {
    const main = getPriority(process.pid);
    const worker = startWorkerThread(new URL('./__fixtures__/priority-worker.ts', import.meta.url));
    try {
      const seen = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(seen).toEqual({ before: main, after: Math.min(19, main + 3) });
      expect(getPriority(process.pid)).toBe(main);
    } finally {
      await worker.terminate();
    }
  },
);
