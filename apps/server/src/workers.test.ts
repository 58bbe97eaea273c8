import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { placeCall } from '@psrkit/simulator';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const tone = (ms: number) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * 300 * i) / 8000));

describe('psrkit-server --workers', () => {
  it('runs N processes on one port, spreads calls over them, and stops them all on SIGTERM', async () => {
    const server = spawn(
      process.execPath,
      [bin, '--host', '127.0.0.1', '--port', '0', '--workers', '2', '--log-format', 'json'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    const logs: Record<string, unknown>[] = [];
    const listening = new Set<string>();
    const url = await new Promise<string>((resolve) => {
      createInterface({ input: server.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry['msg'] === 'listening') listening.add(entry['url'] as string);
        if (logs.filter((l) => l['msg'] === 'listening').length === 2)
          resolve(entry['url'] as string);
      });
    });
    expect(listening.size).toBe(1); // one port, shared
    const reports = await Promise.all(
      Array.from({ length: 6 }, () =>
        placeCall({ url, caller: [{ atMs: 200, samples: tone(600) }], tailMs: 1500 }),
      ),
    );
    expect(reports.every((r) => r.actions[0]?.type === 'media')).toBe(true);
    const pids = new Set(logs.filter((l) => l['msg'] === 'call accepted').map((l) => l['pid']));
    expect(pids.size).toBe(2);
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logs.filter((l) => l['msg'] === 'stopped')).toHaveLength(2);
  }, 60_000);
});
