// Why the WebRTC VAD: frame accuracy on the bundled caller recording with noise added,
// and CPU per call, side by side with a plain energy detector (the usual baseline).
// Truth: 20 ms frames of the clean recording louder than −45 dBFS (espeak's output is
// noise-free, so its energy marks speech exactly). Run: pnpm --filter @psrkit/plugin-vad bench
import { performance } from 'node:perf_hooks';
import { callerRecording, noise } from '../src/__fixtures__/caller.js';
import { createWebRtcVad, type VadMode } from '../src/webrtc-vad.js';

const clean = callerRecording();
const FRAME = 160;
const frames = (pcm: Int16Array) =>
  Array.from({ length: Math.floor(pcm.length / FRAME) }, (_, i) =>
    pcm.subarray(i * FRAME, (i + 1) * FRAME),
  );
const db = (frame: Int16Array) => {
  let sum = 0;
  for (const s of frame) sum += s * s;
  return 10 * Math.log10(sum / frame.length / 32768 ** 2 + 1e-12);
};
const truth = frames(clean).map((f) => db(f) > -45);
const speechRms = Math.sqrt(
  frames(clean)
    .filter((_, i) => truth[i])
    .reduce((sum, f) => sum + f.reduce((s, x) => s + x * x, 0) / f.length, 0) /
    truth.filter(Boolean).length,
);

function withNoise(snrDb: number): Int16Array {
  const hiss = noise(clean.length, speechRms / 10 ** (snrDb / 20), 7);
  return Int16Array.from(clean, (s, i) => Math.max(-32768, Math.min(32767, s + hiss[i]!)));
}

function score(decisions: boolean[]): { missed: number; false: number } {
  let missed = 0;
  let falseAlarms = 0;
  decisions.forEach((d, i) => {
    if (truth[i] && !d) missed++;
    if (!truth[i] && d) falseAlarms++;
  });
  return {
    missed: missed / truth.filter(Boolean).length,
    false: falseAlarms / truth.filter((t) => !t).length,
  };
}

const detectors: [string, () => Promise<(frame: Int16Array) => boolean>][] = [
  ['energy −45 dBFS', async () => (f) => db(f) > -45],
  ...([0, 1, 2, 3] as VadMode[]).map(
    (mode): [string, () => Promise<(frame: Int16Array) => boolean>] => [
      `webrtc mode ${mode}`,
      async () => {
        const vad = await createWebRtcVad({ mode });
        return (f) => vad.isSpeech(f);
      },
    ],
  ),
];

const rows: string[] = [];
for (const [name, make] of detectors) {
  const cells: string[] = [];
  for (const snr of [Number.POSITIVE_INFINITY, 20, 10, 5]) {
    const detect = await make();
    const s = score(frames(snr === Number.POSITIVE_INFINITY ? clean : withNoise(snr)).map(detect));
    cells.push(`${(s.missed * 100).toFixed(1)} / ${(s.false * 100).toFixed(1)}`);
  }
  const detect = await make();
  const input = frames(withNoise(10));
  const t0 = performance.now();
  let n = 0;
  for (let r = 0; r < 20; r++) for (const f of input) n += detect(f) ? 1 : 0;
  const usPerFrame = ((performance.now() - t0) * 1000) / (20 * input.length);
  // One call side = 50 frames per second.
  rows.push(
    `| ${name} | ${cells.join(' | ')} | ${usPerFrame.toFixed(2)} µs | ${((usPerFrame * 50) / 1e4).toFixed(4)} % |`,
  );
  void n;
}
console.log(
  'frame error rates, % missed speech / % false alarms (caller.wav, white noise at the given SNR)\n',
);
console.log(
  '| detector | clean | 20 dB | 10 dB | 5 dB | CPU per 20 ms frame | one core per call side |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
console.log(rows.join('\n'));
