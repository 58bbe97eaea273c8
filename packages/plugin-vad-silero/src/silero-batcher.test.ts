import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VadError } from '@psrkit/plugin-vad';
import { decodeWav } from '@psrkit/protocol';
import ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SileroBatcher } from './silero-batcher.js';
import {
  SHAPES,
  SileroInference,
  SileroModel,
  type SileroStreamState,
} from './silero-inference.js';
import { bundledModelPath, loadSileroVad } from './silero-vad.js';

const sample = (name: string) =>
  decodeWav(
    readFileSync(fileURLToPath(new URL(`../../simulator/samples/${name}`, import.meta.url))),
  ).samples;
const FRAME = 256;
const FRAMES = 150; // 4.8 s a call

/** A seeded noise at `dbfs` (white, or 50 Hz hum with harmonics). */
function noise(kind: 'white' | 'hum', dbfs: number, length: number): Int16Array {
  let seed = 7;
  const level = 32768 * 10 ** (dbfs / 20);
  return Int16Array.from({ length }, (_, i) => {
    if (kind === 'hum') {
      let x = 0;
      for (let h = 1; h <= 5; h++) x += Math.sin((2 * Math.PI * 50 * h * i) / 8000) / h;
      return Math.round(x * level * 0.6);
    }
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return Math.round((seed / 2 ** 32 - 0.5) * 2 * level * 1.7);
  });
}
const caller = sample('caller.wav');
const withNoise = (speech: Int16Array, n: Int16Array) =>
  Int16Array.from(speech, (s, i) => Math.max(-32768, Math.min(32767, s + n[i]!)));
/** Six calls: the caller's three utterances from different points, speech in noise, noise alone. */
const calls = [
  caller.slice(7000, 7000 + FRAMES * FRAME),
  caller.slice(8000 * 10, 8000 * 10 + FRAMES * FRAME),
  caller.slice(8000 * 14, 8000 * 14 + FRAMES * FRAME),
  withNoise(caller.slice(7000, 7000 + FRAMES * FRAME), noise('white', -35, FRAMES * FRAME)),
  noise('white', -30, FRAMES * FRAME),
  noise('hum', -25, FRAMES * FRAME),
];
const frameOf = (pcm: Int16Array, i: number) => pcm.subarray(i * FRAME, (i + 1) * FRAME);

/** Feeds every call concurrently, one frame at a time each: `ask` answers one frame. */
async function feed<T>(ask: (call: number, frame: Int16Array) => Promise<T>): Promise<T[][]> {
  return Promise.all(
    calls.map(async (pcm, call) => {
      const out: T[] = [];
      for (let i = 0; i < FRAMES; i++) out.push(await ask(call, frameOf(pcm, i)));
      return out;
    }),
  );
}

describe('SileroBatcher: one inference for many calls, the same answers', () => {
  it('gives each call the probabilities one-by-one gives, frame by frame (|Δ| ≤ 1e-5), in batches of all the calls', async () => {
    const session = await ort.InferenceSession.create(bundledModelPath());
    const model = new SileroModel(session, SHAPES[8000]!, 8000);
    const alone = calls.map(() => new SileroInference(model));
    const expected = await feed((call, frame) => alone[call]!.run(frame));

    const sizes: number[] = [];
    const counting = {
      shape: model.shape,
      run: (items: readonly { stream: SileroStreamState; frame: Int16Array }[]) => {
        sizes.push(items.length);
        return model.run(items);
      },
    };
    // A window far longer than the test: a batch runs only when every call has a frame.
    const batcher = new SileroBatcher(counting, { windowMs: 600_000 });
    const streams = calls.map(() => batcher.open());
    const batched = await feed((call, frame) => streams[call]!.run(frame));

    expect(sizes).toEqual(new Array(FRAMES).fill(calls.length));
    const worst = Math.max(
      ...batched.flatMap((probs, call) => probs.map((p, i) => Math.abs(p - expected[call]![i]!))),
    );
    expect(worst).toBeLessThanOrEqual(1e-5);
    // The audio is what it says: speech heard in the utterances, none in the noise alone.
    expect(Math.max(...expected[0]!)).toBeGreaterThan(0.9);
    expect(Math.max(...expected[4]!, ...expected[5]!)).toBeLessThan(0.5);
  });

  it('makes the same speech/silence decisions through loadSileroVad, batched (the default) or not', async () => {
    const decide = async (openVad: Awaited<ReturnType<typeof loadSileroVad>>) => {
      const vads = calls.map(() => openVad({ sampleRate: 8000 }));
      const decisions = await feed((call, frame) => vads[call]!.isSpeech(frame));
      for (const vad of vads) vad.close();
      return decisions;
    };
    // Every frame run (quiet frames that skip the model are quiet-gate.test.ts's subject;
    // here a quiet call would race through its frames, faster than real time).
    const every = { skipQuiet: false } as const;
    const oneByOne = await decide(await loadSileroVad({ ...every, batch: false }));
    const batched = await decide(await loadSileroVad({ ...every, batch: { windowMs: 1000 } }));
    expect(batched).toEqual(oneByOne);
    expect(oneByOne[0]).toContain(true);
    expect(oneByOne[4]).not.toContain(true);
    expect(await decide(await loadSileroVad(every))).toEqual(oneByOne);
  });
});

describe('SileroBatcher: when a batch runs', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  /** A model that answers each frame with its first sample, and records its batches. */
  const fakeModel = (fail?: () => boolean) => {
    const batches: number[][] = [];
    return {
      batches,
      shape: SHAPES[8000]!,
      run: async (items: readonly { frame: Int16Array }[]) => {
        batches.push(items.map((item) => item.frame[0]!));
        if (fail?.()) throw new VadError('ENGINE_FAILED', 'Silero inference failed: no memory');
        return items.map((item) => item.frame[0]!);
      },
    };
  };
  const frame = (n: number) => new Int16Array(FRAME).fill(n);

  it('runs a lone call’s frame at once, without waiting for the window', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const model = fakeModel();
    const stream = new SileroBatcher(model, { windowMs: 16 }).open();
    expect(await stream.run(frame(1))).toBe(1); // no timer advanced
    expect(await stream.run(frame(2))).toBe(2);
    expect(model.batches).toEqual([[1], [2]]);
  });

  it('holds a frame at most windowMs for the others, then runs what waits', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const model = fakeModel();
    const batcher = new SileroBatcher(model, { windowMs: 16 });
    const [a, b, c] = [batcher.open(), batcher.open(), batcher.open()];
    const answers: number[] = [];
    void a.run(frame(1)).then((p) => answers.push(p));
    await vi.advanceTimersByTimeAsync(5);
    void b.run(frame(2)).then((p) => answers.push(p));
    await vi.advanceTimersByTimeAsync(10);
    expect(model.batches).toEqual([]); // 15 ms: still gathering (c has no frame)
    await vi.advanceTimersByTimeAsync(1);
    expect(model.batches).toEqual([[1, 2]]);
    expect(answers).toEqual([1, 2]);
    // When every open call has a frame, the batch runs at once.
    const all = Promise.all([a.run(frame(3)), b.run(frame(4)), c.run(frame(5))]);
    expect(await all).toEqual([3, 4, 5]);
    expect(model.batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('does not hold a run for a stream that let a quiet frame skip the model since the last one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const model = fakeModel();
    const batcher = new SileroBatcher(model, { windowMs: 16 });
    const [a, b, c] = [batcher.open(), batcher.open(), batcher.open()];
    c.skip(frame(0));
    expect(await Promise.all([a.run(frame(1)), b.run(frame(2))])).toEqual([1, 2]); // no timer
    // A pass counts for one run: the next waits for c again (its frame, a pass, or the window).
    const next = Promise.all([a.run(frame(3)), b.run(frame(4))]);
    await vi.advanceTimersByTimeAsync(10);
    expect(model.batches).toEqual([[1, 2]]);
    c.skip(frame(0));
    expect(await next).toEqual([3, 4]);
    expect(model.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    // A stream skips only between its frames.
    const pending = a.run(frame(5));
    expect(() => a.skip(frame(0))).toThrow(expect.objectContaining({ code: 'INVALID_FRAME' }));
    await vi.advanceTimersByTimeAsync(16);
    expect(await pending).toBe(5);
  });

  it('runs at most maxSize frames at once; the rest go in the next run', async () => {
    const model = fakeModel();
    const batcher = new SileroBatcher(model, { windowMs: 600_000, maxSize: 2 });
    const streams = [batcher.open(), batcher.open(), batcher.open(), batcher.open()];
    const running = Promise.all(streams.slice(0, 3).map((s, i) => s.run(frame(i + 1))));
    expect(model.batches).toEqual([[1, 2]]); // two waited: the batch was full
    await streams[3]!.run(frame(4)); // the third and the fourth: every call has a frame
    expect(await running).toEqual([1, 2, 3]);
    expect(model.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('lets a call that ends leave at once: its waiting frame is refused, the others run without it', async () => {
    const model = fakeModel();
    const batcher = new SileroBatcher(model, { windowMs: 600_000 });
    const [a, b, c] = [batcher.open(), batcher.open(), batcher.open()];
    const gone = b.run(frame(2));
    const first = a.run(frame(1));
    b.close();
    await expect(gone).rejects.toMatchObject({ code: 'CLOSED' });
    c.close(); // now a is the only one left, and waits no longer
    expect(await first).toBe(1);
    expect(model.batches).toEqual([[1]]);
    await expect(c.run(frame(3))).rejects.toBeInstanceOf(VadError);
  });

  it('fails only the calls in a failed run (ENGINE_FAILED); they and the others go on', async () => {
    let failures = 1;
    const model = fakeModel(() => failures-- > 0);
    const batcher = new SileroBatcher(model, { windowMs: 600_000, maxSize: 2 });
    const streams = [batcher.open(), batcher.open(), batcher.open(), batcher.open()];
    const answers = streams.map((s, i) => s.run(frame(i + 1)));
    await expect(answers[0]).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
    await expect(answers[1]).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
    expect(await Promise.all(answers.slice(2))).toEqual([3, 4]);
    expect(await Promise.all(streams.map((s, i) => s.run(frame(i + 5))))).toEqual([5, 6, 7, 8]);
    expect(model.batches).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
  });

  it('refuses a second frame while the first is not answered (one at a time, in order)', async () => {
    const stream = new SileroBatcher(fakeModel(), { windowMs: 600_000 }).open();
    const first = stream.run(frame(1));
    await expect(stream.run(frame(2))).rejects.toMatchObject({ code: 'INVALID_FRAME' });
    expect(await first).toBe(1);
  });
});
