// Barge-in on PSR, the whole story of issue 31's goal ("barge-in from the caller's onset
// ≤ 200 ms p95 with Silero"), in one run:
//
// 1. Barge-in from the caller's onset to the bot's silence, as the caller heard it, per
//    playout lead: the floor (a probe bot that pauses on the first loud 20 ms, no VAD),
//    then the demo bot with Silero and WebRTC, pausing on suspicion (and without, at the
//    default lead, for reference).
// 2. The price of a smaller lead: underruns per lead while the bot's event loop is stalled
//    by a busy-wait of 30 or 60 ms every 500 ms.
// 3. False pauses and barge-ins on noise alone: white noise, mains hum and babble.
//
// The emulated PSR runs in a worker thread (./emulated-callers.ts): PSR is another machine,
// so the stalls of table 2 must not stall its clock.
//
// Run: cd apps/demo-bot && npx tsx bench/barge-in.bench.ts (packages built; about 4½ min).
// BARGE_IN_CALLS: calls a row in table 1 (default 20).
import { cpus, loadavg } from 'node:os';
import { loadWebRtcVad } from '@psrkit/plugin-vad';
import { loadSileroVad } from '@psrkit/plugin-vad-silero';
import { PLAYOUTS, prepareDemoBots, printBargeInTable } from './barge-in-table.js';
import { withServer } from './bench-server.js';
import { firstUtterance } from './caller-recording.js';
import { type EmulatedCallers, startCallers } from './emulated-callers.js';
import { printFalsePauseTable } from './false-pause-table.js';
import { createProbeBot } from './probe-bot.js';
import { printUnderrunTable } from './underrun-table.js';

const CALLS = Number(process.env['BARGE_IN_CALLS'] ?? 20);
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')} on ${cpus().length} cores`;

/**
 * Unmeasured calls first, one per line under test: the emulator's MP3 decoder, the encoders
 * and the JIT warm, so that no row pays for a first call.
 */
const warmUp = (callers: EmulatedCallers) =>
  Promise.all(
    PLAYOUTS.map((playout) =>
      withServer(createProbeBot(firstUtterance), playout, (url) =>
        callers.place(url, [{ caller: [], tailMs: 3000 }], 0),
      ),
    ),
  );

const started = performance.now();
console.log(`Barge-in benchmark (${load()})`);
const engines = { Silero: await loadSileroVad(), WebRTC: await loadWebRtcVad() };
const bots = await prepareDemoBots(engines);
const callers = startCallers();
try {
  await warmUp(callers);
  await printBargeInTable(callers, bots, CALLS);
  await printUnderrunTable(callers, bots.Silero.on);
  await printFalsePauseTable(engines);
} finally {
  await callers.close();
}
console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(0)} s (${load()}).`);
// The VAD runtimes and the voice's workers keep the process alive.
process.exit(0);
