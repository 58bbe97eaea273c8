#!/usr/bin/env node
// `pnpm soak`: the reference server (demo bot) in its own process under a steady number
// of emulated calls for a long time, sampling its RSS and active handles from /metrics.
// Passes when, after warm-up, neither grows beyond a small bound. Not part of CI.
//
//   SOAK_CALLS=20 SOAK_MINUTES=10 pnpm soak
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadCallerAudio, placeCall } from '@psrkit/simulator';

const calls = Number(process.env.SOAK_CALLS ?? 20);
const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const sampleMs = Number(process.env.SOAK_SAMPLE_MS ?? 5000);
const warmup = 0.25; // of the run
const rssBound = 1.1; // ≤ +10 % after warm-up
const handleSlack = 2 * calls + 20; // handles come and go with calls; the floor must not creep

const server = spawn(
  process.execPath,
  ['apps/server/dist/bin.js', '--host', '127.0.0.1', '--port', '0', '--log-format', 'json'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise((resolve, reject) => {
  server.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  createInterface({ input: server.stdout }).on('line', (line) => {
    try {
      const entry = JSON.parse(line);
      if (entry.msg === 'listening') resolve(entry.url);
    } catch {}
  });
});
const metricsUrl = url.replace('ws://', 'http://').replace(/\/[^/]*$/, '/metrics');
const caller = await loadCallerAudio(
  fileURLToPath(new URL('../packages/simulator/samples/caller.wav', import.meta.url)),
);

const metric = (text, name) => {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
};
const samples = [];
const started = Date.now();
const endAt = started + minutes * 60_000;
let placed = 0;
let failed = 0;
let violations = 0;

async function slot() {
  while (Date.now() < endAt) {
    placed++;
    try {
      const report = await placeCall({ url, tenant: 'soak', caller, tailMs: 8000, decode: 'none' });
      violations += report.violations.length;
    } catch (error) {
      failed++;
      console.error(`call failed: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

const sampler = setInterval(async () => {
  const text = await (await fetch(metricsUrl)).text();
  const sample = {
    atS: Math.round((Date.now() - started) / 1000),
    rssMb: metric(text, 'psrkit_process_resident_memory_bytes') / 2 ** 20,
    handles: metric(text, 'psrkit_nodejs_active_handles_total'),
    activeCalls: metric(text, 'psrkit_active_calls'),
    eventLoopP99Ms: metric(text, 'psrkit_nodejs_eventloop_lag_p99_seconds') * 1000,
  };
  samples.push(sample);
  console.log(
    `${String(sample.atS).padStart(5)} s  rss ${sample.rssMb.toFixed(1)} MB  handles ${sample.handles}  calls ${sample.activeCalls}  loop p99 ${sample.eventLoopP99Ms.toFixed(1)} ms`,
  );
}, sampleMs);

console.log(`soak: ${calls} calls for ${minutes} min against ${url}`);
await Promise.all(
  Array.from({ length: calls }, (_, i) =>
    new Promise((resolve) => setTimeout(resolve, (i * 1000) / calls)).then(slot),
  ),
);
clearInterval(sampler);
server.kill('SIGTERM');
const exitCode = await new Promise((resolve) => server.once('exit', resolve));

const steady = samples.filter((s) => s.atS >= minutes * 60 * warmup);
const first = steady[0];
const maxRss = Math.max(...steady.map((s) => s.rssMb));
const minHandles = (part) => Math.min(...part.map((s) => s.handles));
const half = Math.floor(steady.length / 2);
const verdict = {
  calls,
  minutes,
  placed,
  failed,
  violations,
  serverExitCode: exitCode,
  rssAfterWarmupMb: first?.rssMb,
  rssMaxMb: maxRss,
  rssGrowth: first ? maxRss / first.rssMb : Number.NaN,
  handleFloorFirstHalf: minHandles(steady.slice(0, half)),
  handleFloorSecondHalf: minHandles(steady.slice(half)),
};
const passed =
  steady.length >= 2 &&
  verdict.rssGrowth <= rssBound &&
  verdict.handleFloorSecondHalf <= verdict.handleFloorFirstHalf + handleSlack &&
  failed === 0 &&
  exitCode === 0;
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/soak-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
writeFileSync(file, `${JSON.stringify({ verdict, passed, samples }, null, 2)}\n`);
console.log(JSON.stringify(verdict, null, 2));
console.log(
  `${passed ? 'PASSED' : 'FAILED'}: RSS growth after warm-up ≤ ${Math.round((rssBound - 1) * 100)} %, handle floor stable, no failed calls (${file})`,
);
process.exitCode = passed ? 0 : 1;
