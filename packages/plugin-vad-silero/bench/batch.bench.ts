// Silero's CPU per call-second with many calls in one process: one inference per frame
// (`batch: false`) against batched, at 1, 10, 50 and 100 concurrent calls; quiet frames
// skip the model (the default) unless a row says "every frame".
//
// Each call is fed straight to its VAD (no sockets): the simulator's caller recording from
// its own point, 32 ms frames paced in real time, each call at its own random phase in the
// frame period (as calls that started at different moments are). CPU is the process's
// (user + system) over the run less the same run with a VAD that answers at once (the
// pacing timers and the process itself), divided by the call-seconds fed. The latency is
// from a frame's `isSpeech` to its answer.
//
// Run: pnpm --filter @psrkit/plugin-vad-silero bench (after compare.bench.ts), or
//   BATCH_CALLS=1,10,50,100 BATCH_SECONDS=2 BATCH_ROUNDS=7 BATCH_OPTIONS=8,16,32:128 tsx bench/batch.bench.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OpenVad } from '@psrkit/plugin-vad';
import { decodeWav } from '@psrkit/protocol';
import { loadSileroVad } from '../src/silero-vad.js';

const RATE = 8000;
const FRAME = 256;
const FRAME_MS = (FRAME * 1000) / RATE;
const counts = (process.env.BATCH_CALLS ?? '1,10,50,100').split(',').map(Number);
const seconds = Number(process.env.BATCH_SECONDS ?? 2);
const rounds = Number(process.env.BATCH_ROUNDS ?? 7);
const recording = decodeWav(
  readFileSync(fileURLToPath(new URL('../../simulator/samples/caller.wav', import.meta.url))),
).samples;

let seed = 3;
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

/** One call: frames from `offset` on, every 32 ms from `phaseMs`, until `end`; latencies out. */
async function call(
  openVad: OpenVad,
  offset: number,
  start: number,
  latencies: number[],
): Promise<number> {
  const vad = openVad({ sampleRate: RATE });
  const phaseMs = random() * FRAME_MS;
  const frames = Math.floor((seconds * 1000) / FRAME_MS);
  for (let i = 0; i < frames; i++) {
    const due = start + phaseMs + i * FRAME_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = (offset + i * FRAME) % (recording.length - FRAME);
    const asked = performance.now();
    await vad.isSpeech(recording.subarray(at, at + FRAME));
    latencies.push(performance.now() - asked);
  }
  vad.close();
  return (vad as { framesSkipped?: number }).framesSkipped ?? 0;
}

async function measure(openVad: OpenVad, calls: number) {
  const latencies: number[] = [];
  const start = performance.now() + 50;
  const before = process.cpuUsage();
  const skipped = await Promise.all(
    Array.from({ length: calls }, () =>
      call(openVad, Math.floor(random() * recording.length), start, latencies),
    ),
  );
  const used = process.cpuUsage(before);
  const frames = calls * Math.floor((seconds * 1000) / FRAME_MS);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    msPerCallSecond: (used.user + used.system) / 1000 / (calls * seconds),
    latency: { p50: at(0.5), p95: at(0.95), max: latencies.at(-1)! },
    skipped: skipped.reduce((a, b) => a + b, 0) / frames,
  };
}

/** The pacing alone: a VAD that answers at once. */
const noVad: OpenVad = () => ({
  sampleRate: RATE,
  frameSamples: FRAME,
  isSpeech: () => Promise.resolve(false),
  reset() {},
  close() {},
});
/** Batch options to compare: `windowMs[:maxSize]` each. */
const variants = (process.env.BATCH_OPTIONS ?? '8,16,32:128').split(',').map((v) => {
  const [windowMs, maxSize = 64] = v.split(':').map(Number);
  return { windowMs: windowMs!, maxSize };
});
const every = { skipQuiet: false } as const;
const isDefault = (batch: { windowMs: number; maxSize: number }) =>
  batch.windowMs === 16 && batch.maxSize === 64;
const modes = [
  { name: 'one-by-one, every frame', openVad: await loadSileroVad({ ...every, batch: false }) },
  { name: 'one-by-one', openVad: await loadSileroVad({ batch: false }) },
  {
    name: 'batched, window 16 ms, ≤ 64 a run, every frame',
    openVad: await loadSileroVad({ ...every, batch: true }),
  },
];
for (const batch of variants)
  modes.push({
    name: `batched, window ${batch.windowMs} ms, ≤ ${batch.maxSize} a run${isDefault(batch) ? ' (default)' : ''}`,
    openVad: await loadSileroVad({ batch }),
  });
await measure(modes[0]!.openVad, 4); // warm-up: the runtime, the JIT

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
/** Every mode at `calls`, `rounds` times over, the modes taking turns; medians of the rounds. */
async function rowsAt(calls: number) {
  const runs = modes.map(() => ({
    ms: [] as number[],
    p50: [] as number[],
    p95: [] as number[],
    skipped: 0,
  }));
  for (let round = 0; round < rounds; round++) {
    const base = (await measure(noVad, calls)).msPerCallSecond;
    for (const [i, mode] of modes.entries()) {
      const { msPerCallSecond, latency, skipped } = await measure(mode.openVad, calls);
      runs[i]!.ms.push(msPerCallSecond - base);
      runs[i]!.p50.push(latency.p50);
      runs[i]!.p95.push(latency.p95);
      runs[i]!.skipped = skipped;
    }
  }
  return runs.map((run) => ({
    ms: median(run.ms),
    p50: median(run.p50),
    p95: median(run.p95),
    skipped: run.skipped,
  }));
}

console.log(
  `\nSilero: CPU per call-second (less the pacing alone), one inference per frame against batched: ${rounds} rounds of ${seconds} s of real-time frames per mode, the modes taking turns; medians\n`,
);
console.log(
  '| calls | Silero | ms CPU per call-second | ratio to one-by-one | frames skipped | answer latency p50 / p95, ms |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const calls of counts) {
  const rows = await rowsAt(calls);
  const oneByOne = rows[0]!.ms;
  for (const [i, { ms, p50, p95, skipped }] of rows.entries())
    console.log(
      `| ${calls} | ${modes[i]!.name} | ${ms.toFixed(2)} | ${(ms / oneByOne).toFixed(2)} | ${(skipped * 100).toFixed(0)} % | ${p50.toFixed(1)} / ${p95.toFixed(1)} |`,
    );
}
console.log(`\npacing alone (subtracted): timers and the process with a VAD that answers at once.`);
