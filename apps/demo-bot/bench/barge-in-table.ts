// Table 1: barge-in from the caller's onset, per lead: the floor (no VAD) and the demo bot.
import { DEFAULT_LEAD_MS } from '@psrkit/pipeline';
import type { OpenVad } from '@psrkit/plugin-vad';
import { percentiles } from '@psrkit/simulator';
import type { Bot } from '@psrkit/transport';
import { createDemoBot } from '../src/demo-bot.js';
import { type Playout, playoutName, withServer } from './bench-server.js';
import { firstUtterance, secondOnset } from './caller-recording.js';
import type { EmulatedCallers, PlannedCall } from './emulated-callers.js';
import { createProbeBot } from './probe-bot.js';

/**
 * The lines under test: 200 ms MP3 (the default lead before 144), the default (two MP3
 * frames), 120 and 100 ms MP3, and PCM16 at 100 ms.
 */
export const PLAYOUTS: readonly Playout[] = [
  { leadMs: 200, format: 'mp3' },
  { leadMs: DEFAULT_LEAD_MS, format: 'mp3' },
  { leadMs: 120, format: 'mp3' },
  { leadMs: 100, format: 'mp3' },
  { leadMs: 100, format: 'pcm16' },
];

/** The goal of issue 31: p95 from the caller's onset to the bot's silence, ms. */
const GOAL_P95_MS = 200;

/**
 * The demo bot's calls: the caller's first utterance at 3 s (over the greeting, then echoed),
 * and the onset of the second over the echo at 10 s, 37 ms later each call (every alignment
 * to VAD frames).
 */
const demoCalls = (count: number): PlannedCall[] =>
  Array.from({ length: count }, (_, i) => ({
    caller: [
      { atMs: 3000, samples: firstUtterance },
      { atMs: 10_000 + 37 * i, samples: secondOnset },
    ],
    tailMs: 1500,
  }));

/** The probe bot's calls: it speaks from the start; the caller's onset at 1.3 s, +37 ms a call. */
const probeCalls = (count: number): PlannedCall[] =>
  Array.from({ length: count }, (_, i) => ({
    caller: [{ atMs: 1300 + 37 * i, samples: secondOnset }],
    tailMs: 1000,
  }));

interface Row {
  readonly playout: Playout;
  readonly detection: string;
  readonly floor: boolean;
  readonly calls: number;
  readonly stops: readonly number[];
}

/** The demo bots to measure: each VAD, pausing on suspicion or not. */
export type DemoBots = Record<'Silero' | 'WebRTC', { on: Bot; off: Bot }>;

/** Prepared demo bots (voice and VAD loaded) for `engines`. */
export async function prepareDemoBots(engines: Record<'Silero' | 'WebRTC', OpenVad>) {
  const make = async (openVad: OpenVad, pauseOnSuspicion: boolean) => {
    const bot = createDemoBot({ openVad, pauseOnSuspicion, silenceHangupMs: 60_000 });
    await bot.prepare();
    return bot;
  };
  const bots = {} as DemoBots;
  for (const [name, openVad] of Object.entries(engines) as ['Silero' | 'WebRTC', OpenVad][])
    bots[name] = { on: await make(openVad, true), off: await make(openVad, false) };
  return bots;
}

/** Every row, one after another (a row's calls at once): the floor, then each VAD. */
async function measureRows(
  callers: EmulatedCallers,
  bots: DemoBots,
  count: number,
): Promise<Row[]> {
  const rows: Row[] = [];
  const measure = async (playout: Playout, detection: string, bot: Bot | undefined) => {
    const calls = bot ? demoCalls(count) : probeCalls(count);
    const figures = await withServer(bot ?? createProbeBot(firstUtterance), playout, (url) =>
      callers.place(url, calls, bot ? 9900 : 1200),
    );
    const stops = figures.flatMap((f) => (f.stopMs === undefined ? [] : [f.stopMs]));
    rows.push({ playout, detection, floor: !bot, calls: count, stops });
  };
  for (const playout of PLAYOUTS) {
    await measure(playout, 'energy, first loud 20 ms (floor)', undefined);
    const isDefault = playout.leadMs === DEFAULT_LEAD_MS && playout.format === 'mp3';
    for (const name of ['Silero', 'WebRTC'] as const) {
      if (isDefault) await measure(playout, `${name}, pause off (stop on a turn)`, bots[name].off);
      await measure(playout, `${name}, pause on suspicion`, bots[name].on);
    }
  }
  return rows;
}

/** Measures and prints table 1, with what it means under it. */
export async function printBargeInTable(
  callers: EmulatedCallers,
  bots: DemoBots,
  count: number,
): Promise<void> {
  console.log(
    `\n1. Barge-in from the caller's onset to the bot's last audible sound (${count} calls a row, at once)\n`,
  );
  const rows = await measureRows(callers, bots, count);
  console.log(
    '| lead | detection | barge-ins | p50 ms | p95 ms | p95 ≤ 200 | p50 over the floor |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const p = percentiles(row.stops);
    const floor = rows.find((r) => r.floor && r.playout === row.playout);
    const floorP50 = floor && percentiles(floor.stops)?.p50;
    const over =
      p && floorP50 !== undefined && !row.floor ? `+${(p.p50 - floorP50).toFixed(0)}` : '';
    console.log(
      `| ${playoutName(row.playout)} | ${row.detection} | ${row.stops.length} of ${row.calls} | ${p?.p50.toFixed(0) ?? '—'} | ${p?.p95.toFixed(0) ?? '—'} | ${p ? (p.p95 <= GOAL_P95_MS ? 'yes' : 'no') : '—'} | ${over} |`,
    );
  }
  console.log(`
Measured on what the caller heard (the emulator's line, MP3 decoded): from the onset of their
speech to the bot's last sound above −50 dBFS. The floor is a probe bot that pauses on the
caller's first 20 ms piece above −45 dBFS: no VAD, so what is left is the audio already sent
(the line sends a chunk when it fits in the lead: with 72 ms MP3 frames the line holds
between lead − 72 and lead ms; with 20 ms PCM16 chunks, lead − 20 to lead), one inbound
piece, and the loopback. "p50 over the floor" is what the VAD adds. p95 is nearest-rank:
with ${count} calls it is the ${ordinal(Math.ceil(0.95 * count))} smallest of ${count}.`);
}

const ordinal = (n: number): string =>
  `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
