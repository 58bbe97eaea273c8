// Timing tier: a psrkit bot that cuts its stream with a file is never heard playing the
// file over the stream, whichever way PSR treats a non-sync media (the vendor's pages do
// not say). The server runs in its own process; the emulator plays both readings.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeCall } from '@psrkit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectWithinBudget } from './__fixtures__/budget.js';
import { type SpawnedServer, spawnServer } from './__fixtures__/spawn-server.js';

let dir: string;
let server: SpawnedServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psrkit-media-cut-'));
  const bot = join(dir, 'bot.mjs');
  await writeFile(
    bot,
    `// No imports: the file lives outside the workspace. A minimal observable of one piece.
const once = (samples) => ({ subscribe(o) { o.next(samples); o.complete(); return { unsubscribe() {} }; } });
const tone = (ms, hz) => Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * hz * i) / 8000));
export default async (call) => {
  call.stream(once(tone(3000, 440)), { sampleRate: 8000 });
  await new Promise((resolve) => setTimeout(resolve, 800));
  await call.play({ sampleRate: 8000, channels: 1, samples: tone(400, 660) }, { mode: 'interrupt' }).done;
  call.hangup();
};
`,
  );
  server = await spawnServer(['--bot', bot]);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('an interrupting file never plays over the stream it cuts', () => {
  for (const mediaCutsStream of [true, false])
    it(`when PSR's media ${mediaCutsStream ? 'cuts' : 'does not cut'} a chunk stream`, async () => {
      const report = await placeCall({
        url: server.url,
        caller: new Int16Array(0),
        tailMs: 3000,
        mediaCutsStream,
      });
      expect(report.violations).toEqual([]);
      expect(report.hangup).toBeDefined();
      const overlap = Math.max(0, ...report.talkOver.map((t) => t.overlapMs));
      expectWithinBudget('file over stream audio', overlap, 0);
    });
});
