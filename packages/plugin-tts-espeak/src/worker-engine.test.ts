import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { concatPcm } from '@psrkit/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { type SpeechRequest, SynthesisPool } from './synthesis-pool.js';
import { workerEngine } from './worker-engine.js';

const pools: SynthesisPool[] = [];
afterAll(() => Promise.all(pools.map((pool) => pool.close())));
const fixture = (name: string) => new URL(`./__fixtures__/${name}.ts`, import.meta.url);
const poolOn = (worker: string, size = 1) => {
  const pool = new SynthesisPool(size, workerEngine(fixture(worker)));
  pools.push(pool);
  return pool;
};

/** Speaks through `pool`: the PCM, or the error. */
const speak = (pool: SynthesisPool, ...sentences: string[]) =>
  new Promise<Int16Array>((resolve, reject) => {
    const pieces: Int16Array[] = [];
    const request: SpeechRequest = { sentences, voice: 'gmw/en-US', rate: 165, pitch: 50 };
    pool.speak(request, {
      samples: (pcm) => pieces.push(pcm),
      complete: () => resolve(concatPcm(pieces)),
      error: reject,
    });
  });

// Each worker loads tsx and its engine from the sources: seconds on a busy machine.
describe('eSpeak NG in worker threads', { timeout: 120_000 }, () => {
  it('speaks from a worker thread, in pieces that own their buffers (transferred, not views)', async () => {
    const pool = poolOn('crashing-espeak-worker');
    expect((await pool.info).sampleRate).toBe(22050);
    const pieces: Int16Array[] = [];
    await new Promise<void>((resolve, reject) =>
      pool.speak(
        { sentences: ['Hello, this is a worker.'], voice: 'gmw/en-US', rate: 165, pitch: 50 },
        { samples: (pcm) => pieces.push(pcm), complete: resolve, error: reject },
      ),
    );
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.buffer.byteLength).toBe(piece.byteLength);
  });

  it('a worker that crashes fails that speech with ENGINE_FAILED and is replaced, never the process', async () => {
    const pool = poolOn('crashing-espeak-worker');
    await pool.info;
    for (const [crash, why] of [
      ['Crash by throwing.', /exit code 1: boom in the engine/],
      ['Crash by exiting.', /exit code 7/],
    ] as const) {
      const crashed = speak(pool, 'First a sentence.', crash, 'Never said.');
      const queued = speak(pool, 'Queued behind it, spoken by the replacement.');
      await expect(crashed).rejects.toMatchObject({ name: 'EspeakError', code: 'ENGINE_FAILED' });
      await expect(crashed).rejects.toThrow(why);
      expect((await queued).length / 22050).toBeGreaterThan(1);
    }
  });

  it('an engine that cannot load rejects with ENGINE_FAILED, and so do the speeches waiting for it', async () => {
    const pool = poolOn('broken-espeak-worker');
    const waiting = speak(pool, 'Hello.');
    await expect(pool.info).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
    await expect(pool.info).rejects.toThrow(/did not load: .*no engine here/);
    await expect(waiting).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
  });

  it('idle workers do not keep the process alive: a script that spoke exits by itself', async () => {
    const tsx = fileURLToPath(import.meta.resolve('tsx/cli'));
    const child = spawn(process.execPath, [tsx, fileURLToPath(fixture('speak-once'))], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (data) => {
      output += data;
    });
    child.stderr.on('data', (data) => {
      output += data;
    });
    try {
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(output).toMatch(/^spoke \d+ pieces\n$/);
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
