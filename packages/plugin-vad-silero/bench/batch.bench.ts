// Silero's CPU per call-second with many calls in one process: one inference per frame
// (`batch: false`) against the batched default, at 1, 10, 50 and 100 concurrent calls.
//
// Each call is fed straight to its VAD (no sockets): the simulator's caller recording from
// its own point, 32 ms frames paced in real time, each call at its own random phase in the
// frame period (as calls that started at different moments are). CPU is the process's
// (user + system) over the run less the same run with a VAD that answers at once (the
// pacing timers and the process itself), divided by the call-seconds fed. The latency is
// from a frame's `isSpeech` to its answer.
//
// Run: pnpm --filter @psrkit/plugin-vad-silero bench (after compare.bench.ts), or
//   BATCH_CALLS=1,10,50,100 BATCH_SECONDS=8 BATCH_OPTIONS=8,16,32:128 tsx bench/batch.bench.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OpenVad } from '@psrkit/plugin-vad';
import { decodeWav } from '@psrkit/protocol';
import { loadSileroVad } from '../src/silero-vad.js';

const RATE = 8000;
const FRAME = 256;
const FRAME_MS = (FRAME * 1000) / RATE;
const counts = (process.env.BATCH_CALLS ?? '1,10,50,100').split(',').map(Number);
const seconds = Number(process.env.BATCH_SECONDS ?? 8);
const recording = decodeWav(
  readFileSync(fileURLToPath(new URL('../../simulator/samples/caller.wav', import.meta.url))),
).samples;

let seed = 3;
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

/** One call: frames from `offset` on, every 32 ms from `phaseMs`, until `end`; latencies out. */
async function call(openVad: OpenVad, offset: number, start: number, latencies: number[]) {
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
}

async function measure(openVad: OpenVad, calls: number) {
  const latencies: number[] = [];
  const start = performance.now() + 50;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: calls }, () =>
      call(openVad, Math.floor(random() * recording.length), start, latencies),
    ),
  );
  const used = process.cpuUsage(before);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    msPerCallSecond: (used.user + used.system) / 1000 / (calls * seconds),
    latency: { p50: at(0.5), p95: at(0.95), max: latencies.at(-1)! },
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
const modes = [{ name: 'one-by-one', openVad: await loadSileroVad({ batch: false }) }];
for (const batch of variants)
  modes.push({
    name: `batched, window ${batch.windowMs} ms, ≤ ${batch.maxSize} a run${batch.windowMs === 16 && batch.maxSize === 64 ? ' (default)' : ''}`,
    openVad: await loadSileroVad({ batch }),
  });
await measure(modes[0]!.openVad, 4); // warm-up: the runtime, the JIT

console.log(
  `\nSilero: CPU per call-second (less the pacing alone), one inference per frame against batched, ${seconds} s of real-time frames per step\n`,
);
console.log(
  '| calls | Silero | ms CPU per call-second | ratio to one-by-one | answer latency p50 / p95 / max, ms |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const calls of counts) {
  const base = (await measure(noVad, calls)).msPerCallSecond;
  let oneByOne = 0;
  for (const mode of modes) {
    const { msPerCallSecond, latency } = await measure(mode.openVad, calls);
    const ms = msPerCallSecond - base;
    oneByOne ||= ms;
    console.log(
      `| ${calls} | ${mode.name} | ${ms.toFixed(2)} | ${(ms / oneByOne).toFixed(2)} | ${latency.p50.toFixed(1)} / ${latency.p95.toFixed(1)} / ${latency.max.toFixed(1)} |`,
    );
  }
}
console.log(`\npacing alone (subtracted): timers and the process with a VAD that answers at once.`);
