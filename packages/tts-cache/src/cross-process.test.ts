// Two real node processes share a cache folder and ask for the same greeting at once: one
// synthesises it (its engine held open by the test until the other is seen waiting on the
// lock), the other replays the stored entry: one synthesis, identical audio and timings.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './__fixtures__/speech.js';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const script = fileURLToPath(new URL('./__fixtures__/cache-process.ts', import.meta.url));
const GREETING = 'Dạ chào anh Nam, em gọi từ công ty Bảo Việt.';

interface Done {
  event: 'done';
  audio: string;
  samples: number;
  words: unknown[];
  spoken: number;
  stats: { hits: number; misses: number; lockWaits: number };
}

/** A cache process, and what it has told so far. */
function start(dir: string) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [tsx, script, dir, GREETING],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const events: { event: string }[] = [];
  let errors = '';
  createInterface({ input: child.stdout }).on('line', (line) => events.push(JSON.parse(line)));
  child.stderr.on('data', (data: Buffer) => {
    errors += data.toString();
  });
  const told = (event: string) => events.some((e) => e.event === event);
  return {
    told,
    send: (line: string) => child.stdin.write(`${line}\n`),
    done: () => events.find((e): e is Done => e.event === 'done'),
    errors: () => errors,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

let folder: ReturnType<typeof tempDir>;
beforeEach(() => {
  folder = tempDir();
});
afterEach(() => folder.remove());

describe('two processes on one cache folder', () => {
  it('synthesise a greeting asked for at once only once, and both get the same speech', async () => {
    const processes = [start(folder.dir), start(folder.dir)];
    try {
      await expect
        .poll(() => processes.every((p) => p.told('ready')), { timeout: 30_000 })
        .toBe(true);
      for (const p of processes) p.send('go');
      // One synthesises (held open by its engine), the other waits on its lock.
      await expect
        .poll(() => processes.filter((p) => p.told('synthesising') || p.told('waiting')).length, {
          timeout: 30_000,
        })
        .toBe(2);
      expect(processes.filter((p) => p.told('synthesising'))).toHaveLength(1);
      for (const p of processes) p.send('release');
      await expect.poll(() => processes.every((p) => p.done()), { timeout: 30_000 }).toBe(true);

      const [a, b] = processes.map((p) => p.done()!);
      expect(a!.spoken + b!.spoken).toBe(1);
      expect(a!.samples).toBeGreaterThan(0);
      expect(b!.audio).toBe(a!.audio);
      expect(b!.words).toEqual(a!.words);
      const waiter = [a!, b!].find((done) => done.spoken === 0)!;
      expect(waiter.stats).toMatchObject({ hits: 1, misses: 0, lockWaits: 1 });
    } finally {
      await Promise.all(processes.map((p) => p.stop()));
    }
    expect(processes.map((p) => p.errors())).toEqual(['', '']);
  });
});
