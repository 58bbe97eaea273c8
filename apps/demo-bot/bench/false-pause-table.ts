// Table 3: false pauses and false barge-ins on noise alone, babble included.
import type { AudioFrame } from '@psrkit/pipeline';
import { detectTurns, type OpenVad } from '@psrkit/plugin-vad';
import { from, lastValueFrom, toArray } from 'rxjs';
import { RATE } from './caller-recording.js';
import { BABBLE_VOICES, type NoiseKind, noise } from './line-noise.js';

const SECONDS = 60;

const framesOf = (pcm: Int16Array): AudioFrame[] =>
  Array.from({ length: Math.floor(pcm.length / 160) }, (_, i) => ({
    samples: pcm.subarray(i * 160, (i + 1) * 160),
    sampleRate: RATE,
    channel: 'a',
    startSample: i * 160,
  }));

/** What `detectTurns` (as the demo bot runs it) made of noise alone. */
interface NoiseVerdict {
  /** Suspicions no turn confirmed: the bot paused, then resumed. */
  readonly falsePauses: number;
  /** Their mean hold, ms (undefined: none). */
  readonly heldMs: number | undefined;
  /** Turns started: the bot interrupted (and would echo the noise). */
  readonly falseTurns: number;
  /** Time inside those turns, ms (each to its end after 700 ms of silence). */
  readonly inTurnMs: number;
}

async function verdictOn(pcm: Int16Array, openVad: OpenVad): Promise<NoiseVerdict> {
  const events = await lastValueFrom(
    from(framesOf(pcm)).pipe(detectTurns({ openVad, suspectMs: 0, onset: true }), toArray()),
  );
  const held = events.flatMap((e) =>
    e.type === 'suspicion-cleared' ? [e.atMs - e.suspectedAtMs] : [],
  );
  return {
    falsePauses: held.length,
    heldMs: held.length ? held.reduce((a, b) => a + b, 0) / held.length : undefined,
    falseTurns: events.filter((e) => e.type === 'speech-start').length,
    inTurnMs: events.reduce(
      (sum, e) => (e.type === 'speech-end' ? sum + e.atMs - e.startMs : sum),
      0,
    ),
  };
}

/** Measures and prints table 3, with what it means under it. */
export async function printFalsePauseTable(
  engines: Record<'Silero' | 'WebRTC', OpenVad>,
): Promise<void> {
  console.log(
    `\n3. False pauses and barge-ins on ${SECONDS} s of noise alone (\`detectTurns\` as the demo bot runs it: \`suspectMs: 0\`, \`onset: true\`, \`suspicionMs: 240\`, \`startMs: 40\`, \`endSilenceMs: 700\`)\n`,
  );
  console.log(
    '| noise | SNR | VAD | false pauses / min | held, mean ms | false barge-ins / min | in a false turn |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const perMin = (n: number) => ((n * 60) / SECONDS).toFixed(n && n < SECONDS / 6 ? 1 : 0);
  for (const kind of ['white', 'hum', 'babble'] as NoiseKind[])
    for (const snr of [20, 10, 5]) {
      const pcm = noise(kind, snr, SECONDS);
      for (const [name, openVad] of Object.entries(engines)) {
        const v = await verdictOn(pcm, openVad);
        console.log(
          `| ${kind} | ${snr} dB | ${name} | ${perMin(v.falsePauses)} | ${v.heldMs?.toFixed(0) ?? '—'} | ${perMin(v.falseTurns)} | ${((v.inTurnMs / (SECONDS * 1000)) * 100).toFixed(0)} % |`,
        );
      }
    }
  console.log(`
Noise level: RMS at the SNR below speech at −20 dBFS (the VAD benchmark's levels: 20 dB is
−40 dBFS). Babble: ${BABBLE_VOICES} copies of the bundled caller's speech, each shifted by a
sixth of it, summed (one voice, six times). A false pause: the bot stops sending at the onset
and resumes at the clearing; the caller hears a gap of the hold less the audio in flight.
A false barge-in: the bot is interrupted and drops what it was saying; "in a false turn" is
the share of the minute the VAD held a turn on the noise (each turn ends after 700 ms of
silence): the bot stays cut off, and the demo bot then echoes the noise back.`);
}
