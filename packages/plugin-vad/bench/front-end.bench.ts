// Does a level stage in front of the VAD help? Frame accuracy of the WebRTC VAD (mode 2) on
// the bundled caller recording at three caller levels and two noise levels, as it comes and
// through @psrkit/plugin-gain's normaliser (`targetDbfs: -20`: an AGC) — the inbound stage a
// server would put before the bot. Truth: 20 ms frames of the clean recording louder than
// −45 dBFS before it was made quieter. Run: pnpm --filter @psrkit/plugin-vad bench
import type { AudioFrame } from '@psrkit/pipeline';
import { createGainPlugin } from '@psrkit/plugin-gain';
import { from, lastValueFrom, toArray } from 'rxjs';
import { callerRecording, noise } from '../src/__fixtures__/caller.js';
import { createWebRtcVad } from '../src/webrtc-vad.js';

const FRAME = 160;
const clean = callerRecording();
const db = (frame: Int16Array) => {
  let sum = 0;
  for (const s of frame) sum += s * s;
  return 10 * Math.log10(sum / frame.length / 32768 ** 2 + 1e-12);
};
const split = (pcm: Int16Array) =>
  Array.from({ length: Math.floor(pcm.length / FRAME) }, (_, i) =>
    pcm.subarray(i * FRAME, (i + 1) * FRAME),
  );
const truth = split(clean).map((f) => db(f) > -45);
const speechDb = (() => {
  const speech = split(clean).filter((_, i) => truth[i]);
  const power = speech.reduce((sum, f) => sum + f.reduce((s, x) => s + x * x, 0) / f.length, 0);
  return 10 * Math.log10(power / speech.length / 32768 ** 2);
})();

/** The recording with its speech at `levelDb` and white noise `snrDb` below the speech. */
function line(levelDb: number, snrDb: number): Int16Array {
  const gain = 10 ** ((levelDb - speechDb) / 20);
  const noiseRms = 32768 * 10 ** ((levelDb - snrDb) / 20);
  const hiss = noise(clean.length, noiseRms, 11);
  return Int16Array.from(clean, (s, i) =>
    Math.max(-32768, Math.min(32767, Math.round(s * gain + hiss[i]!))),
  );
}

async function normalised(pcm: Int16Array): Promise<Int16Array[]> {
  const frames: AudioFrame[] = split(pcm).map((samples, i) => ({
    samples,
    sampleRate: 8000,
    channel: 'a',
    startSample: i * FRAME,
  }));
  const out = await lastValueFrom(
    from(frames).pipe(createGainPlugin().createStage({ targetDbfs: -20 }), toArray()),
  );
  return out.map((f) => f.samples);
}

async function errors(frames: Int16Array[]): Promise<string> {
  const vad = await createWebRtcVad({ mode: 2 });
  let missed = 0;
  let falseAlarms = 0;
  frames.forEach((f, i) => {
    const speech = vad.isSpeech(f);
    if (truth[i] && !speech) missed++;
    if (!truth[i] && speech) falseAlarms++;
  });
  const pct = (n: number, of: number) => ((n / of) * 100).toFixed(1);
  return `${pct(missed, truth.filter(Boolean).length)} / ${pct(falseAlarms, truth.filter((t) => !t).length)}`;
}

console.log(
  '\nWebRTC VAD (mode 2) with and without a normaliser in front: % missed speech / % false alarms\n',
);
console.log('| caller speech level | noise | as it comes | through the normaliser (−20 dBFS) |');
console.log('| --- | --- | --- | --- |');
for (const levelDb of [-20, -35, -45])
  for (const snrDb of [20, 10]) {
    const pcm = line(levelDb, snrDb);
    console.log(
      `| ${levelDb} dBFS | ${snrDb} dB below | ${await errors(split(pcm))} | ${await errors(await normalised(pcm))} |`,
    );
  }
