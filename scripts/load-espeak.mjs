// `LOAD_SCENARIO=espeak pnpm bench:load`: does eSpeak NG synthesis hold up other calls'
// audio? Some calls speak long eSpeak prompts (synthesised anew after every barge-in)
// while the others stream the load-test bot's speech (scripts/load-espeak-bot.mjs). For
// each synthesis mode — on the main thread (`threads: 0`, as the plugin did before it had
// worker threads) and in worker threads — one run, in the same bench: the server pinned to
// core 0 with its worker threads, two emulators (one per group of calls) on core 1. Over
// the steady window: the streaming calls' underruns and margin, the eSpeak calls' own
// underruns, the server's event-loop lag, CPU and RSS, and the prompts synthesised.
//
// Writes bench/results/load-espeak-<date>.{json,md} and bench/results/load-espeak-latest.md.
//
//   LOAD_ESPEAK_THREADS=none,0,1,2   synthesis modes to compare (createEspeakTts's `threads`;
//                               `none`: every call streams, no eSpeak — the machine's own
//                               underruns, the floor the others are read against)
//   LOAD_ESPEAK_CALLS=40        streaming calls
//   LOAD_ESPEAK_SYNTH=4         calls that speak eSpeak prompts
//   LOAD_ESPEAK_ROUNDS=1        times through the modes, one mode after the other (on a
//                               shared machine, the rounds tell its noise from the modes)
//   LOAD_STEADY_S=30            steady window per mode
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, getPriority } from 'node:os';
import { join } from 'node:path';
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

const modes = (process.env.LOAD_ESPEAK_THREADS ?? 'none,0,1,2').split(',');
const streamingCalls = Number(process.env.LOAD_ESPEAK_CALLS ?? 40);
const synthCalls = Number(process.env.LOAD_ESPEAK_SYNTH ?? 4);
const steadyS = Number(process.env.LOAD_STEADY_S ?? 30);
const rounds = Number(process.env.LOAD_ESPEAK_ROUNDS ?? 1);
const cores = cpus().length;
const results = 'bench/results';

/** The figures of a Prometheus text this scenario reads (plain `name value` lines). */
const metric = (text, name) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};
const modeName = (threads) =>
  threads === 'none'
    ? 'none: every call streams'
    : threads === '0'
      ? 'main thread (threads: 0)'
      : `${threads} worker thread${threads === '1' ? '' : 's'}`;

async function startServer(threads) {
  const port = await freePort();
  const server = spawnPinned(
    '0',
    [
      'apps/server/dist/bin.js',
      ...['--host', '127.0.0.1', '--port', String(port)],
      ...['--bot', 'scripts/load-espeak-bot.mjs', '--mp3-encoder', 'wasm', '--workers', '1'],
      ...['--log-format', 'json', '--log-level', 'warn'],
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, LOAD_ESPEAK_THREADS: threads },
    },
  );
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break;
    } catch {}
    if (i > 200 || server.exitCode !== null) throw new Error('the server did not become ready');
    await sleep(100);
  }
  return { server, port };
}

/** One mode: both groups of calls on one server, figures over the steady window. */
async function runMode(threads) {
  const { server, port } = await startServer(threads);
  const metrics = () => getFresh(`http://127.0.0.1:${port}/metrics`);
  const clientCores = String(Math.min(1, cores - 1));
  const streaming = emulatedLoad(clientCores, port, streamingCalls, steadyS);
  const speaking = emulatedLoad(clientCores, port, synthCalls, steadyS, ['--tenant', 'espeak']);
  await sleep(Math.max(streaming.rampMs, speaking.rampMs) + streaming.warmMs);
  const before = await metrics(); // also resets the event-loop lag window
  const start = usage(server.pid);
  await sleep(steadyS * 1000);
  const after = await metrics();
  const end = usage(server.pid);
  const [others, espeak] = await Promise.all([streaming.summary, speaking.summary]);
  server.kill('SIGTERM');
  await exited(server);
  const between = (name) => (metric(after, name) ?? 0) - (metric(before, name) ?? 0);
  const prompts = between('psrkit_bot_espeak_prompt_seconds_count');
  const ms = (seconds) => (seconds === undefined ? undefined : Math.round(seconds * 1000));
  const group = (s) => ({
    calls: s.calls,
    underruns: s.underruns,
    underrunMs: Math.round(s.underrunMs),
    callsWithUnderruns: s.callsWithUnderruns,
    marginP1Ms: s.marginMs ? Math.round(s.marginMs.p1) : undefined,
    failures: s.connectFailures + s.endedEarly,
    violations: s.violations,
    errors: s.errors,
    // When high, the emulator could not keep up: its figures then describe it, not the server.
    emulatorLoopDelayP99Ms: s.emulatorLoopDelayMs
      ? Math.round(s.emulatorLoopDelayMs.p99)
      : undefined,
  });
  return {
    threads,
    name: modeName(threads),
    streaming: group(others),
    espeak: group(espeak),
    promptsSynthesised: prompts,
    promptMeanMs:
      prompts > 0 ? ms(between('psrkit_bot_espeak_prompt_seconds_sum') / prompts) : undefined,
    eventLoopLagMs: {
      p99: ms(metric(after, 'psrkit_nodejs_eventloop_lag_p99_seconds')),
      max: ms(metric(after, 'psrkit_nodejs_eventloop_lag_max_seconds')),
    },
    serverCpuPct: Math.round(((end.cpu - start.cpu) / ((end.at - start.at) / 1000)) * 1000) / 10,
    rssMb: Math.round(end.rss / 2 ** 20),
  };
}

function markdown(report) {
  const count = (g) =>
    `${g.underruns} (${g.underrunMs} ms) in ${g.callsWithUnderruns} of ${g.calls}${g.failures ? `, ${g.failures} failed` : ''}`;
  return [
    `# bench:load — eSpeak NG beside streaming calls, ${report.date.slice(0, 10)}`,
    '',
    `${report.machine.cores} cores (${report.machine.cpu}), Node ${report.machine.node}; ${report.machine.pinned ? 'the server and its worker threads pinned to core 0, the emulators to core 1' : 'taskset missing: processes not pinned'}${report.machine.nice ? `, at nice ${report.machine.nice}` : ''}. ${report.streamingCalls} calls stream the load-test bot's speech while ${report.synthCalls} calls speak long eSpeak NG prompts (one sentence of 80–90 words each, ~30 s of speech, synthesised anew after every barge-in); steady window ${report.steadyS} s. An underrun is a gap in a stream as the caller hears it.`,
    '',
    "| round | synthesis | streaming calls: underruns (gaps) | their margin p1 ms | eSpeak calls: underruns | prompts synthesised (mean ms) | server event-loop lag p99 / max ms | server CPU % | RSS MB | emulators' loop delay p99 ms |",
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.modes.map(
      (m) =>
        `| ${m.round} | ${m.name} | ${count(m.streaming)} | ${m.streaming.marginP1Ms ?? '–'} | ${count(m.espeak)} | ${m.promptsSynthesised} (${m.promptMeanMs ?? '–'}) | ${m.eventLoopLagMs.p99 ?? '–'} / ${m.eventLoopLagMs.max ?? '–'} | ${m.serverCpuPct} | ${m.rssMb} | ${m.streaming.emulatorLoopDelayP99Ms ?? '–'} / ${m.espeak.emulatorLoopDelayP99Ms ?? '–'} |`,
    ),
    '',
  ].join('\n');
}

/** Runs every mode, prints and writes the table. */
export async function espeakScenario() {
  const date = new Date().toISOString();
  console.log(
    `bench:load, eSpeak scenario — ${streamingCalls} streaming calls, ${synthCalls} speaking eSpeak prompts, ${steadyS} s steady`,
  );
  const report = {
    date,
    machine: {
      cores,
      cpu: cpus()[0]?.model,
      node: process.version,
      pinned: hasTaskset,
      nice: getPriority(),
    },
    streamingCalls,
    synthCalls,
    steadyS,
    rounds,
    modes: [],
  };
  for (let round = 1; round <= rounds; round++)
    for (const threads of modes) {
      const mode = { ...(await runMode(threads)), round };
      report.modes.push(mode);
      console.log(
        `round ${round}, ${mode.name}: streaming underruns ${mode.streaming.underruns} (${mode.streaming.underrunMs} ms), eSpeak underruns ${mode.espeak.underruns}, loop lag p99 ${mode.eventLoopLagMs.p99} ms, prompts ${mode.promptsSynthesised}`,
      );
    }
  const md = markdown(report);
  const stamp = date.slice(0, 19).replace(/:/g, '');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, `load-espeak-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(results, `load-espeak-${stamp}.md`), md);
  writeFileSync(join(results, 'load-espeak-latest.md'), md);
  console.log(`\n${md}`);
}
