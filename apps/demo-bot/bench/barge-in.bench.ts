// Pause on suspicion, measured. Two tables, one run:
//
// 1. Barge-in from the caller's onset, end to end: the demo bot on a loopback server, called
//    by the emulator; the caller speaks over the bot's echo (a stream). Measured on what the
//    caller heard: from their onset to the bot's last audible sound (the audio in flight,
//    the VAD, the interrupt or pause, the network). Silero and WebRTC, each with and without
//    pause-on-suspicion; the rows without are the reference, measured in the same run.
// 2. False pauses on noise alone: 60 s of the VAD benchmark's white noise and mains hum
//    (at its levels: −20 dBFS speech, 20/10/5 dB SNR) through `detectTurns` with
//    `suspectMs: 0` — pauses that no turn confirmed, per minute, and how long each held.
//
// Run: pnpm --filter @psrkit/demo-bot bench (built packages needed: pnpm build first).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AudioFrame } from '@psrkit/pipeline';
import { detectTurns, loadWebRtcVad, type OpenVad } from '@psrkit/plugin-vad';
import { loadSileroVad } from '@psrkit/plugin-vad-silero';
import { decodeWav } from '@psrkit/protocol';
import { percentiles, placeCall } from '@psrkit/simulator';
import { createPsrServer, silentLogger } from '@psrkit/transport';
import { from, lastValueFrom, toArray } from 'rxjs';
import { createDemoBot } from '../src/demo-bot.js';

const RATE = 8000;
const CALLS = Number(process.env['BARGE_IN_CALLS'] ?? 12);
const recording = decodeWav(
  readFileSync(fileURLToPath(import.meta.resolve('@psrkit/simulator/samples/caller.wav'))),
).samples;
/** The recording's first utterance (echoed by the bot) and its second (spoken over the echo). */
const first = recording.subarray(RATE * 0.9, RATE * 5.1);
const second = recording.subarray(RATE * 10.4, RATE * 15);

const engines: Record<'Silero' | 'WebRTC', OpenVad> = {
  Silero: await loadSileroVad(),
  WebRTC: await loadWebRtcVad(),
};

/** `CALLS` calls at once; per call, the caller's onset over the echo → the bot silent, ms. */
async function bargeIns(openVad: OpenVad, pauseOnSuspicion: boolean): Promise<number[]> {
  const bot = createDemoBot({ openVad, pauseOnSuspicion, silenceHangupMs: 60_000 });
  await bot.prepare();
  const server = createPsrServer({ port: 0, bot, logger: silentLogger });
  await server.listen();
  try {
    const reports = await Promise.all(
      Array.from({ length: CALLS }, (_, i) =>
        placeCall({
          url: server.url,
          // The onset over the echo moves by 37 ms a call: every alignment to VAD frames.
          caller: [
            { atMs: 3000, samples: first },
            { atMs: 10_000 + 37 * i, samples: second },
          ],
          tailMs: 2000,
        }),
      ),
    );
    return reports.flatMap((report) => {
      const over = report.utterances.find((u) => u.startMs >= 9900);
      return over?.bargeIn ? [over.bargeIn.botStoppedAfterMs] : [];
    });
  } finally {
    await server.close();
  }
}

console.log(
  `Barge-in from the caller's onset (the demo bot on loopback, ${CALLS} calls a row, lead 200 ms)\n`,
);
console.log('| VAD | pause on suspicion | barge-ins | p50 ms | p95 ms | vs reference (p95) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [name, openVad] of Object.entries(engines)) {
  let reference: number | undefined;
  for (const pause of [false, true]) {
    const stops = await bargeIns(openVad, pause);
    const p = percentiles(stops);
    reference ??= p?.p95;
    const ratio = p && reference ? `${((p.p95 / reference) * 100).toFixed(0)} %` : '—';
    console.log(
      `| ${name} | ${pause ? 'on' : 'off (reference)'} | ${stops.length} of ${CALLS} | ${p?.p50.toFixed(0) ?? '—'} | ${p?.p95.toFixed(0) ?? '—'} | ${pause ? ratio : '100 %'} |`,
    );
  }
}

// 2. False pauses on noise alone.
const rng = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
/** 60 s of white noise or hum (50 Hz and harmonics) at the VAD benchmark's level for `snrDb`. */
function noise(kind: 'white' | 'hum', snrDb: number): Int16Array {
  const length = RATE * 60;
  const out = new Float64Array(length);
  const random = rng(17);
  for (let i = 0; i < length; i++)
    if (kind === 'white') out[i] = random() * 2 - 1;
    else
      for (let h = 1; h <= 9; h++)
        out[i]! += Math.sin((2 * Math.PI * 50 * h * i) / RATE + h * 17) / h;
  const rms = Math.sqrt(out.reduce((s, x) => s + x * x, 0) / length);
  const level = 32768 * 10 ** ((-20 - snrDb) / 20);
  return Int16Array.from(out, (x) =>
    Math.max(-32768, Math.min(32767, Math.round((x / rms) * level))),
  );
}
const framesOf = (pcm: Int16Array): AudioFrame[] =>
  Array.from({ length: Math.floor(pcm.length / 160) }, (_, i) => ({
    samples: pcm.subarray(i * 160, (i + 1) * 160),
    sampleRate: RATE,
    channel: 'a',
    startSample: i * 160,
  }));

console.log('\nFalse pauses on 60 s of noise alone (`suspectMs: 0`, `suspicionMs: 240`)\n');
console.log(
  '| noise | SNR | VAD | false pauses / min | held, mean ms | false barge-ins / min (with or without) |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const kind of ['white', 'hum'] as const)
  for (const snr of [20, 10, 5]) {
    const pcm = noise(kind, snr);
    for (const [name, openVad] of Object.entries(engines)) {
      const events = await lastValueFrom(
        from(framesOf(pcm)).pipe(detectTurns({ openVad, suspectMs: 0 }), toArray()),
      );
      const cleared = events.flatMap((e) =>
        e.type === 'suspicion-cleared' ? [e.atMs - e.suspectedAtMs] : [],
      );
      const starts = events.filter((e) => e.type === 'speech-start').length;
      const held = cleared.length ? cleared.reduce((a, b) => a + b, 0) / cleared.length : 0;
      console.log(
        `| ${kind} | ${snr} dB | ${name} | ${cleared.length} | ${cleared.length ? held.toFixed(0) : '—'} | ${starts} |`,
      );
    }
  }
console.log(
  '\nheld: from the suspicion onset to its clearing, on the stream. The bot stops sending one VAD decision after the onset and resumes at the clearing; the caller hears a gap of that hold less the audio in flight (up to the 200 ms lead): a few tens of ms, often none.',
);
process.exit(0);
