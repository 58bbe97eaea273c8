#!/usr/bin/env node
// `pnpm bench:load`: how many full-duplex talking calls one core serves.
//
// For each configuration (MP3 encoder × server workers) it steps the number of calls up.
// Each step starts the reference server with the load-test bot (it talks without a pause:
// 24 kHz speech resampled, MP3-encoded and paced, and cuts itself off when the caller
// speaks) in its own process pinned to core 0, and the emulator's load mode in another
// process pinned to core 1, every call sending caller audio in real time (20 ms frames) and
// receiving the bot's chunks. Over a steady window it records the server's CPU and RSS
// (/proc), event-loop lag, pacing lag, first-chunk latency and barge-in figures (/metrics),
// and the client's underruns, margin, stale audio heard, arrival jitter and failures. The
// highest N where the caller hears it right — no underrun, margin p1 ≥ 40 ms, server CPU
// ≤ 90 %, no failure — is the configuration's capacity: with one worker on one core, its
// calls per core.
//
// Writes bench/results/load-<date>.{json,md,svg} and bench/results/load-latest.{md,svg}
// (LOAD_RESULTS=<dir>: there instead, e.g. for a partial run that must not replace the latest).
//
//   LOAD_STEPS=25,50,100,200,400,800   calls per step
//   LOAD_CONFIGS=lamejs:1,wasm:1,wasm:2 encoder:workers
//   LOAD_STEADY_S=30                   steady window per step
//   LOAD_REFINE=2                      bisections between the last pass and the first fail
//   LOAD_PROFILE=1                     --cpu-prof the server; hot spots in the summary
//   LOAD_PROFILE_KEEP=/tmp/p           also keep each configuration's profile (p-<encoder>-<workers>.cpuprofile)
//   LOAD_ENCODE_AHEAD=on|off           the server's --encode-ahead (default off)
//   LOAD_VAD=off,silero                each configuration with the agent's VAD off and on
//                                      (scripts/load-vad-bot.mjs: silero, silero-one-by-one,
//                                      webrtc); calls per core as a ratio to `off`, and the VAD's
//                                      CPU (scripts/load-vad.mjs) (default off)
//   LOAD_WIRE_CALLS=100                calls for the wire floor (scripts/wire-floor-server.mjs)
//   LOAD_SCENARIO=espeak               instead: calls speaking long eSpeak NG prompts beside
//                                      streaming calls, synthesis in worker threads against
//                                      on the main thread (scripts/load-espeak.mjs)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LEAD_MS } from '../packages/pipeline/dist/index.js';
import { espeakScenario } from './load-espeak.mjs';
import { histogram, parseMetrics } from './load-metrics.mjs';
import {
  emulatedLoad,
  exited,
  freePort,
  getFresh,
  hasTaskset,
  sleep,
  spawnPinned,
  usage,
} from './load-processes.mjs';
import { analyseProfile } from './load-profile.mjs';
import { markdown, plot, readinessText } from './load-report.mjs';
import { compareVads } from './load-vad.mjs';
import { measureWireFloor } from './wire-floor.mjs';

const steps = (process.env.LOAD_STEPS ?? '25,50,100,200,400,800').split(',').map(Number);
const vads = (process.env.LOAD_VAD ?? 'off').split(',');
const configs = (process.env.LOAD_CONFIGS ?? 'lamejs:1,wasm:1,wasm:2').split(',').flatMap((c) => {
  const [encoder, workers = '1'] = c.split(':');
  return vads.map((vad) => ({ encoder, workers: Number(workers), vad }));
});
const steadyS = Number(process.env.LOAD_STEADY_S ?? 30);
const refine = Number(process.env.LOAD_REFINE ?? 2);
const profile = process.env.LOAD_PROFILE === '1';
const encodeAhead = process.env.LOAD_ENCODE_AHEAD ?? 'off';
// Capacity is judged by what the caller hears: no underrun, enough audio queued when each
// chunk arrives, and a server that is not at the end of its core. The send lag is reported.
const MIN_MARGIN_P1_MS = 40;
const MAX_SERVER_CPU_PCT = 90;
const cores = cpus().length;
const results = process.env.LOAD_RESULTS ?? 'bench/results';
const profileDir = join(results, 'profiles');
mkdirSync(results, { recursive: true });

// --- what the node says of itself: /readyz over the steady window ----------------------
/**
 * Polls `/readyz` every 2 s (the node's measuring interval) for `ms`: how many answers said
 * not ready, and the node's own CPU share and event-loop lag p99 (p50 and max of the answers).
 */
async function pollReadiness(url, ms) {
  const answers = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await sleep(Math.min(2000, Math.max(0, end - Date.now())));
    try {
      answers.push(JSON.parse(await getFresh(url)));
    } catch {}
  }
  const spread = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) };
  };
  return {
    polls: answers.length,
    notReady: answers.filter((a) => !a.ready).length,
    cpu: spread(answers.map((a) => a.cpu)),
    lagMs: spread(answers.map((a) => a.eventLoopLagMs)),
  };
}

// --- one step ---------------------------------------------------------------------------
/** The server of a step, pinned to `serverCores`; resolves once it is warm. */
async function startServer({ encoder, workers, vad }, port, serverCores) {
  const nodeArgs = profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const server = spawnPinned(
    serverCores,
    [
      ...nodeArgs,
      'apps/server/dist/bin.js',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--bot',
      vad === 'off' ? '@psrkit/server/load-test-bot' : './scripts/load-vad-bot.mjs',
      '--mp3-encoder',
      encoder,
      '--workers',
      String(workers),
      '--encode-ahead',
      encodeAhead,
      '--drain-grace-ms',
      '0',
      '--log-format',
      'json',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOAD_VAD_ENGINE: vad } },
  );
  // Warm: /readyz no longer says `warming-up` (a busy machine may make it say `overloaded`).
  for (let i = 0; ; i++) {
    try {
      if (JSON.parse(await getFresh(`http://127.0.0.1:${port}/readyz`)).reason !== 'warming-up')
        break;
    } catch {}
    if (i > 200 || server.exitCode !== null) throw new Error('the server did not become ready');
    await sleep(100);
  }
  return server;
}

/**
 * A step's figures from the server's scrapes (`atIdle`, `before` and `after` the steady
 * window, by worker), its process usage, and the emulator's summary.
 */
function stepOf({ calls, workers }, scrapes, use, summary, readiness) {
  const { atIdle, before, after } = scrapes;
  const wall = (use.serverEnd.at - use.serverStart.at) / 1000;
  const between = (from) =>
    [...after.entries()].flatMap(([id, a]) => (from.has(id) ? [[from.get(id), a]] : []));
  const pairs = between(before);
  // Streams start on an idle line mostly as calls begin (the ramp): those over the whole run.
  const wholeRun = between(atIdle);
  const worst = (name) =>
    Math.round(Math.max(...pairs.map(([, a]) => a.get(name) ?? Number.NaN)) * 100000) / 100;
  const total = (name) =>
    pairs.reduce((sum, [b, a]) => sum + (a.get(name) ?? 0) - (b.get(name) ?? 0), 0);
  const cpuPct = (end, start) => Math.round(((end.cpu - start.cpu) / wall) * 1000) / 10;
  const step = {
    calls,
    activeCalls: [...after.values()].reduce(
      (sum, m) => sum + (m.get('psrkit_active_calls') ?? 0),
      0,
    ),
    workersMeasured: pairs.length,
    serverCpuPct: cpuPct(use.serverEnd, use.serverStart),
    clientCpuPct: cpuPct(use.clientEnd, use.clientStart),
    rssMb: Math.round(use.serverEnd.rss / 2 ** 20),
    rssPerCallKb: Math.round((use.serverEnd.rss - use.idle.rss) / calls / 1024),
    eventLoopLagMs: {
      p50: worst('psrkit_nodejs_eventloop_lag_p50_seconds'),
      p99: worst('psrkit_nodejs_eventloop_lag_p99_seconds'),
    },
    pacingLagMs: histogram(pairs, 'psrkit_pacing_send_lag_seconds'),
    firstChunkMs: histogram(wholeRun, 'psrkit_first_chunk_seconds', 'part="total"'),
    firstChunkProcessingMs: histogram(wholeRun, 'psrkit_first_chunk_seconds', 'part="processing"'),
    bargeInStopMs: histogram(pairs, 'psrkit_barge_in_stop_seconds'),
    bargeInStaleAudioMs: histogram(pairs, 'psrkit_barge_in_stale_audio_seconds'),
    sendsPerTimerWake:
      Math.round((total('psrkit_timer_runs_total') / total('psrkit_timer_wakes_total')) * 100) /
      100,
    clientJitterMs: summary.chunkJitterMs,
    // As the caller hears it (the emulator's line): stale audio from the caller's speech
    // onset to the bot's last sound, and the audio queued at the caller as each chunk came.
    heardStaleMs: summary.bargeInStopMs,
    marginMs: summary.marginMs,
    underruns: summary.underruns,
    underrunMs: Math.round(summary.underrunMs),
    callsWithUnderruns: summary.callsWithUnderruns,
    failures: summary.connectFailures + summary.endedEarly,
    violations: summary.violations,
    emulatorLoopDelayMs: summary.emulatorLoopDelayMs,
    readiness,
  };
  step.passed =
    pairs.length === workers &&
    step.marginMs !== undefined &&
    step.marginMs.p1 >= MIN_MARGIN_P1_MS &&
    step.serverCpuPct <= MAX_SERVER_CPU_PCT * workers &&
    step.underruns === 0 &&
    step.failures === 0 &&
    step.violations === 0;
  // An emulator that could not keep up makes the step say nothing about the server.
  step.emulatorBound = (summary.emulatorLoopDelayMs?.p99 ?? 0) > 50 || step.clientCpuPct > 95;
  return step;
}

async function runStep(config, calls) {
  const { workers } = config;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serverCores = workers > 1 ? `0-${Math.min(cores, workers) - 1}` : '0';
  const clientCores = workers > 1 ? `0-${cores - 1}` : String(Math.min(1, cores - 1));
  const server = await startServer(config, port, serverCores);
  // /metrics answers for the worker that takes the connection: fresh connections are
  // spread over the workers, and each answer is told apart by its pid (psrkit_server_info).
  // The first answer of each worker is kept: a second scrape would reset its event-loop window.
  const scrape = async () => {
    const byWorker = new Map();
    for (let i = 0; i < workers * 10 && byWorker.size < workers; i++) {
      const metrics = parseMetrics(await getFresh(`${base}/metrics`));
      const id = [...metrics.keys()].find((key) => key.startsWith('psrkit_server_info{'));
      if (!byWorker.has(id)) byWorker.set(id, metrics);
    }
    return byWorker;
  };
  await sleep(1000); // every worker up
  const idle = usage(server.pid);
  const atIdle = await scrape();
  const {
    client,
    rampMs,
    warmMs,
    summary: loadSummary,
  } = emulatedLoad(clientCores, port, calls, steadyS);
  await sleep(rampMs + warmMs);
  const before = await scrape(); // also resets the event-loop lag window
  const serverStart = usage(server.pid);
  const clientStart = usage(client.pid);
  const readiness = await pollReadiness(`${base}/readyz`, steadyS * 1000);
  const after = await scrape();
  const use = {
    idle,
    serverStart,
    clientStart,
    serverEnd: usage(server.pid),
    clientEnd: usage(client.pid),
  };
  const summary = await loadSummary;
  server.kill('SIGTERM');
  await exited(server);
  return stepOf({ calls, workers }, { atIdle, before, after }, use, summary, readiness);
}

function formatStep(s) {
  const p = (x) => (x ? `${x.p50}/${x.p99}` : '–');
  return [
    String(s.calls).padStart(5),
    `${s.passed ? 'pass' : 'FAIL'}${s.emulatorBound ? '*' : ' '}`,
    `cpu ${String(s.serverCpuPct).padStart(5)}%`,
    `rss ${s.rssMb} MB (${s.rssPerCallKb} KB/call)`,
    `loop ${p(s.eventLoopLagMs)}`,
    `pacing ${p(s.pacingLagMs)}`,
    `arrival ${s.clientJitterMs ? `${Math.round(s.clientJitterMs.p50)}/${Math.round(s.clientJitterMs.p99)}` : '–'}`,
    `underruns ${s.underruns}`,
    `first chunk ${p(s.firstChunkMs)} (processing ${p(s.firstChunkProcessingMs)})`,
    `barge-in stop ${p(s.bargeInStopMs)} stale ${p(s.bargeInStaleAudioMs)}`,
    `heard stale ${s.heardStaleMs ? `${Math.round(s.heardStaleMs.p50)}/${Math.round(s.heardStaleMs.p95)}/${Math.round(s.heardStaleMs.max)}` : '–'}`,
    `margin ${s.marginMs ? `${Math.round(s.marginMs.p1)}/${Math.round(s.marginMs.p50)}` : '–'}`,
    `failures ${s.failures}`,
    `client cpu ${s.clientCpuPct}%`,
    `readyz ${readinessText(s.readiness)}`,
  ].join('  ');
}

// --- main ---------------------------------------------------------------------------------
if (process.env.LOAD_SCENARIO === 'espeak') {
  await espeakScenario();
  process.exit(0);
}
// LOAD_REPORT=<results json>: only writes that run's Markdown and plot again.
const report = process.env.LOAD_REPORT
  ? JSON.parse(readFileSync(process.env.LOAD_REPORT, 'utf8'))
  : await measure();
const stamp = report.date.slice(0, 19).replace(/:/g, '');
const md = markdown(report);
// A profiled run (slower: V8 samples the server) is kept apart from the figures.
const kind = report.runs.some((run) => run.hotSpots) ? 'load-profile' : 'load';
writeFileSync(join(results, `${kind}-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(
  join(results, `${kind}-${stamp}.md`),
  md.replaceAll(`load-${stamp}.svg`, `${kind}-${stamp}.svg`),
);
writeFileSync(join(results, `${kind}-${stamp}.svg`), plot(report.runs));
if (kind === 'load') {
  writeFileSync(
    join(results, 'load-latest.md'),
    md.replaceAll(`load-${stamp}.svg`, 'load-latest.svg'),
  );
  writeFileSync(join(results, 'load-latest.svg'), plot(report.runs));
}
console.log(`\n${md}`);

/** The encoders' own ceiling, measured on the server's core (scripts/encoder-ceiling.mjs). */
function encoderCeiling() {
  const script = ['scripts/encoder-ceiling.mjs'];
  const [command, args] = hasTaskset
    ? ['taskset', ['-c', '0', process.execPath, ...script]]
    : [process.execPath, script];
  return JSON.parse(execFileSync(command, args, { encoding: 'utf8' }));
}

async function measure() {
  const started = new Date();
  console.log(
    `bench:load — ${cores} cores, steady window ${steadyS} s, ${hasTaskset ? 'server pinned to core 0, emulator to core 1' : 'taskset missing: processes not pinned'}`,
  );
  if (profile) rmSync(profileDir, { recursive: true, force: true });
  const encoders = encoderCeiling();
  console.log(
    `encoders alone on core 0 (× real time = calls one core could only encode): ${Object.entries(
      encoders,
    )
      .filter(([name, figure]) => name !== 'seconds' && figure)
      .map(([name, figure]) => `${name} ${Math.round(figure.realTime)}×`)
      .join(', ')}`,
  );
  // The wire alone (parse, decode, a chunk action every 72 ms), under the same load.
  const wireFloor = await measureWireFloor(Number(process.env.LOAD_WIRE_CALLS ?? 100), steadyS);
  console.log(
    `the wire floor on core 0: ${wireFloor.cpuPct} % of a core for ${wireFloor.calls} calls, ${wireFloor.msPerCallSecond} ms of CPU per call-second`,
  );
  const runs = [];
  for (const config of configs) {
    const name = `${config.encoder}, ${config.workers} worker${config.workers > 1 ? 's' : ''}${config.vad === 'off' ? '' : `, VAD ${config.vad}`}`;
    console.log(`\n${name}`);
    const run = { name, ...config, steps: [], capacity: 0 };
    runs.push(run);
    const step = async (calls) => {
      const result = await runStep(config, calls);
      run.steps.push(result);
      console.log(formatStep(result));
      return result;
    };
    let lastPass = 0;
    let firstFail;
    for (const calls of steps) {
      const result = await step(calls);
      if (result.passed) lastPass = calls;
      else {
        firstFail = calls;
        break;
      }
    }
    for (
      let i = 0;
      i < refine && firstFail && firstFail - lastPass > Math.max(5, lastPass / 10);
      i++
    ) {
      const mid = Math.round((lastPass + firstFail) / 2);
      if ((await step(mid)).passed) lastPass = mid;
      else firstFail = mid;
    }
    run.capacity = lastPass;
    run.firstFail = firstFail;
    if (profile) {
      const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
      // The profile of the largest step that passed (or the first that did not).
      const biggest = files
        .map((f) => join(profileDir, f))
        .sort()
        .at(-1);
      if (biggest) Object.assign(run, analyseProfile(biggest));
      if (biggest && process.env.LOAD_PROFILE_KEEP)
        copyFileSync(
          biggest,
          `${process.env.LOAD_PROFILE_KEEP}-${config.encoder}-${config.workers}.cpuprofile`,
        );
      rmSync(profileDir, { recursive: true, force: true });
    }
    console.log(`→ ${name}: ${lastPass} calls${firstFail ? ` (${firstFail} failed)` : ''}`);
  }
  const one = (encoder) =>
    runs.find((r) => r.encoder === encoder && r.workers === 1 && r.vad === 'off');
  for (const run of runs) {
    if (run.workers > 1 && run.vad === 'off' && one(run.encoder)?.capacity)
      run.ratioToOneWorker = Math.round((run.capacity / one(run.encoder).capacity) * 100) / 100;
    const ceiling = encoders[run.encoder]?.realTime;
    // Calls per core against the calls per core the encoder alone could serve.
    if (ceiling)
      run.ratioToEncoder =
        Math.round((run.capacity / Math.min(run.workers, cores) / ceiling) * 100) / 100;
  }
  // Calls per core with the agent's VAD on, against the same configuration without it.
  for (const line of compareVads(runs)) console.log(line);
  return {
    date: started.toISOString(),
    encoders,
    wireFloor,
    machine: { cores, cpu: cpus()[0]?.model, node: process.version, pinned: hasTaskset },
    criterion: `no underrun at the caller (the emulator's playout model), a margin (audio queued at the caller as each chunk came) p1 ≥ ${MIN_MARGIN_P1_MS} ms, server CPU ≤ ${MAX_SERVER_CPU_PCT} % of each core, no failed call, no violation (the send lag is reported, not judged)`,
    steadyS,
    // The server runs with its default lead.
    leadMs: DEFAULT_LEAD_MS,
    runs,
  };
}
