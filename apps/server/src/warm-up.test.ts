import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWorkQueue, lameJsBackend } from '@psrkit/pipeline';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { healthRoutes } from './http-routes.js';
import { createNodeStatus, READY_DEFAULTS } from './node-load.js';
import { warmUp } from './warm-up.js';

describe('warming up before ready', () => {
  it('runs the hot paths (MP3 and PCM16 lines, a prompt on the work queue) and says how long it took', async () => {
    let mp3Encoders = 0;
    const counting: typeof lameJsBackend = (options) => {
      mp3Encoders++;
      return lameJsBackend(options);
    };
    const work = createWorkQueue();
    const base = { bitrateKbps: 32, framesPerChunk: 1, work };
    expect(await warmUp({ ...base, mp3Backend: counting, format: 'mp3' })).toBeGreaterThan(0);
    expect(mp3Encoders).toBeGreaterThan(1);
    expect(work.slices).toBeGreaterThan(0);
    expect(await warmUp({ ...base, mp3Backend: counting, format: 'pcm16' })).toBeGreaterThan(0);
  });

  it('/readyz answers 503 "warming-up" until then, even while calls are accepted', async () => {
    const status = createNodeStatus({ calls: () => 0, thresholds: READY_DEFAULTS });
    const routes = healthRoutes(status.load, new Registry());
    const http = createServer((req, res) => void routes(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/readyz`;
      const before = await fetch(url);
      expect(before.status).toBe(503);
      expect(await before.json()).toMatchObject({ ready: false, reason: 'warming-up', calls: 0 });
      status.enter('serving');
      const after = await fetch(url);
      expect(after.status).toBe(200);
      expect(await after.json()).toMatchObject({ ready: true, calls: 0 });
    } finally {
      http.close();
      status.stop();
    }
  });
});
