import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWorkQueue, lameJsBackend } from '@psrkit/pipeline';
import type { PsrServer } from '@psrkit/transport';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { healthRoutes } from './http-routes.js';
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

  it('/readyz answers 503 "warming up" until then, even while calls are accepted', async () => {
    let warm = false;
    const psr = { isAccepting: true, activeCalls: 0 } as unknown as PsrServer;
    const routes = healthRoutes(
      () => psr,
      new Registry(),
      () => warm,
    );
    const http = createServer((req, res) => void routes(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/readyz`;
      const before = await fetch(url);
      expect([before.status, await before.text()]).toEqual([503, 'warming up\n']);
      warm = true;
      const after = await fetch(url);
      expect([after.status, await after.text()]).toEqual([200, 'ready: 0 active calls\n']);
    } finally {
      http.close();
    }
  });
});
