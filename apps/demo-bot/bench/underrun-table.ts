// Table 2: the price of a smaller lead — underruns while the bot's event loop stalls.
import { percentiles } from '@psrkit/simulator';
import type { Bot } from '@psrkit/transport';
import { PLAYOUTS } from './barge-in-table.js';
import { type Playout, playoutName, withServer } from './bench-server.js';
import { firstUtterance, speechOnly } from './caller-recording.js';
import type { CallFigures, EmulatedCallers, PlannedCall } from './emulated-callers.js';
import { stallEventLoop } from './event-loop-stalls.js';
import { createProbeBot } from './probe-bot.js';

/** Calls per lead and stall. */
const CALLS_PER_LEAD = 3;
/** The stalls injected: a busy-wait of this many ms… */
const STALLS_MS = [0, 30, 60] as const;
/** …every this many ms. */
const STALL_EVERY_MS = 500;

/** The probe bot's calls: it streams 9.3 s of speech (all of it at hand) to a silent caller. */
const probeCalls = (): PlannedCall[] =>
  Array.from({ length: CALLS_PER_LEAD }, () => ({ caller: [], tailMs: 10_000 }));

/**
 * The demo bot's calls: the caller's first utterance at 3 s (over the greeting), then silence
 * while the bot says "You said:" and echoes it (a 5 s stream fed by the synthesis), with no
 * barge-in (a pause would count as a gap in the stream).
 */
const echoCalls = (): PlannedCall[] =>
  Array.from({ length: CALLS_PER_LEAD }, () => ({
    caller: [{ atMs: 3000, samples: firstUtterance }],
    tailMs: 7000,
  }));

/** Every lead at once (one server each) under one stall: the same stalls hit every lead. */
async function underStall(
  callers: EmulatedCallers,
  bot: Bot,
  calls: () => PlannedCall[],
  stallMs: number,
): Promise<CallFigures[][]> {
  const stopStalls = stallEventLoop(stallMs, STALL_EVERY_MS);
  try {
    return await Promise.all(
      PLAYOUTS.map((playout) => withServer(bot, playout, (url) => callers.place(url, calls(), 0))),
    );
  } finally {
    stopStalls();
  }
}

/** Underruns this soon after a stream's first audio count as its start (synthesis, encoders). */
const START_MS = 500;

/** One table line: a lead under a stall. */
function rowOf(stream: string, playout: Playout, calls: readonly CallFigures[]): string {
  const streamS = calls.reduce((s, c) => s + c.streamMs, 0) / 1000;
  const starts = calls.flatMap((c) => c.underrunsAtMs).filter((at) => at < START_MS).length;
  const later = calls.reduce((s, c) => s + c.underrunCount, 0) - starts;
  const gapMs = calls.reduce((s, c) => s + c.underrunMs, 0);
  const withGaps = calls.filter((c) => c.underrunCount > 0).length;
  const margins = percentiles(calls.flatMap((c) => c.margins));
  const margin = margins ? `${margins.p1.toFixed(0)} / ${margins.p50.toFixed(0)}` : '—';
  return `| ${stream} | ${playoutName(playout)} | ${withGaps} of ${calls.length} | ${streamS.toFixed(1)} | ${starts} | ${later} (${((later / streamS) * 60).toFixed(1)} / min) | ${gapMs.toFixed(0)} | ${margin} |`;
}

/** Measures and prints table 2, with what it means under it. */
export async function printUnderrunTable(callers: EmulatedCallers, demoBot: Bot): Promise<void> {
  console.log(
    `\n2. Underruns per lead: the probe bot's stream under event-loop stalls, and the demo bot's echo (${CALLS_PER_LEAD} calls a lead, all leads at once)\n`,
  );
  console.log(
    '| stream, stall injected | lead | calls with gaps | stream s | underruns in its first 500 ms | underruns later | gaps, ms in all | margin p1 / p50 ms |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  const probe = createProbeBot(speechOnly);
  const print = (stream: string, byPlayout: CallFigures[][]) => {
    for (const [i, playout] of PLAYOUTS.entries())
      console.log(rowOf(stream, playout, byPlayout[i]!));
  };
  for (const stallMs of STALLS_MS) {
    const stall = stallMs ? `${stallMs} ms every ${STALL_EVERY_MS} ms` : 'none';
    print(`probe, stall ${stall}`, await underStall(callers, probe, probeCalls, stallMs));
  }
  print('demo echo (Silero), no stall', await underStall(callers, demoBot, echoCalls, 0));
  console.log(`
The probe rows isolate pacing: the probe bot streams 9.3 s of speech it holds in full, so a
gap can only come from the line. The stall: a synchronous busy-wait in the bot's process (a
setInterval callback spinning on performance.now()) every ${STALL_EVERY_MS} ms, standing for a
long synchronous job of any call of that process (a synthesis in the event loop, a large
JSON, a GC pause). The emulated PSR runs in a worker thread and is not stalled. The demo
rows: its echo ("You said:" from eSpeak, then the caller's words) with no stall injected,
${CALLS_PER_LEAD} calls synthesising at once per lead. An underrun is a gap inside a chunk
stream on the caller's line (the line ran dry before the next chunk came), counted apart in
a stream's first ${START_MS} ms (its start: encoders, synthesis, every call starting at once)
and later (per minute of stream audio); "margin" is the
audio still queued at the caller as each chunk came (p1 and p50 over all chunks; the line
sends an MP3 chunk at lead − 72 ms queued, a PCM16 chunk at lead − 20).`);
}
