// WebRTC VAD or Silero on phone audio? Both engines on the same labelled 8 kHz audio:
// eSpeak NG speech in English and Vietnamese (8 utterances each, pauses of 1–2.5 s) at
// −20 dBFS, with white noise, babble (six other eSpeak talkers) or mains hum (50 Hz and
// harmonics) at 20, 10 and 5 dB SNR. Truth: 10 ms cells of the clean speech louder than
// −45 dBFS (eSpeak's output has no noise, so its energy marks speech exactly).
//
// - precision / recall: each engine's own frame decisions (no turn logic), per 10 ms cell;
// - onset delay: from an utterance's true onset to the moment `detectTurns` (defaults:
//   40 ms of voice in a row) emits `speech-start` — the stream position of the frame that
//   completes the run, so the engine's frame length counts; median over utterances, and
//   utterances with no `speech-start` at all;
// - false barge-ins: `speech-start`s per minute on 60 s of the same noise alone;
// - CPU: process time per second of audio (one call side), in the same run.
//
// Run: pnpm --filter @psrkit/plugin-vad-silero bench
import type { AudioFrame } from '@psrkit/pipeline';
import { createResampler } from '@psrkit/pipeline';
import { createEspeakTts } from '@psrkit/plugin-tts-espeak';
import { detectTurns, loadWebRtcVad, type OpenVad } from '@psrkit/plugin-vad';
import { concatPcm } from '@psrkit/protocol';
import { from, lastValueFrom, toArray } from 'rxjs';
import { loadSileroVad } from '../src/silero-vad.js';

const RATE = 8000;
const CELL = RATE / 100; // 10 ms truth cells
const SPEECH_DBFS = -20;

const SENTENCES = {
  en: [
    'Hello, I would like to check the status of my order.',
    'Yes, that is right.',
    'Could you send the invoice to my email address please?',
    'No, I did not receive any message yesterday.',
    'Wait a moment.',
    'My phone number ends in four five six seven.',
    'Okay, thank you very much for your help.',
    'Can I speak to someone in the sales department?',
  ],
  vi: [
    'Xin chào, tôi muốn hỏi về đơn hàng của tôi.',
    'Vâng, đúng rồi.',
    'Anh có thể gửi hóa đơn qua email cho tôi được không?',
    'Không, hôm qua tôi không nhận được tin nhắn nào.',
    'Chờ một chút nhé.',
    'Số điện thoại của tôi kết thúc bằng bốn năm sáu bảy.',
    'Được rồi, cảm ơn anh rất nhiều.',
    'Cho tôi gặp bộ phận kinh doanh được không?',
  ],
};
const BABBLE = [
  ['en-gb', 'The weather has been lovely this week, we went to the beach twice.'],
  ['vi', 'Hôm nay trời đẹp quá, chúng ta đi uống cà phê đi.'],
  ['en-us', 'I think the meeting was moved to Thursday afternoon at three.'],
  ['vi-south', 'Mẹ ơi, con về nhà trễ một chút, đừng chờ cơm nhé.'],
  ['en-us', 'Did you see the game last night? It was unbelievable.'],
  ['vi-central', 'Anh ấy nói rằng chuyến bay sẽ bị hoãn thêm hai tiếng nữa.'],
] as const;

const tts = await createEspeakTts();
const rng = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

async function speak(text: string, voice: string): Promise<Int16Array> {
  const pieces = await lastValueFrom(tts.synthesize(text, { voice }).pipe(toArray()));
  const resampler = createResampler({ inputRate: tts.sampleRate, outputRate: RATE });
  return concatPcm([...pieces.map((p) => resampler.push(p)), resampler.flush()]);
}
const power = (pcm: Int16Array, from = 0, to = pcm.length) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += pcm[i]! * pcm[i]!;
  return sum / Math.max(1, to - from);
};
const cellDb = (pcm: Int16Array, cell: number) =>
  10 * Math.log10(power(pcm, cell * CELL, (cell + 1) * CELL) / 32768 ** 2 + 1e-12);

/** Utterances with pauses between them, the speech's active level at SPEECH_DBFS. */
async function conversation(language: 'en' | 'vi') {
  const random = rng(language === 'en' ? 3 : 5);
  const voice = language === 'en' ? 'en-us' : 'vi';
  const parts: Int16Array[] = [new Int16Array(RATE)];
  const onsets: number[] = [];
  const ends: number[] = [];
  let at = RATE;
  for (const text of SENTENCES[language]) {
    const speech = await speak(text, voice);
    // The utterance's true onset: its first cell above −45 dBFS.
    let first = 0;
    while (first * CELL < speech.length && cellDb(speech, first) <= -45) first++;
    onsets.push(at + first * CELL);
    ends.push(at + speech.length);
    const pause = new Int16Array(Math.round(RATE * (1 + 1.5 * random())));
    parts.push(speech, pause);
    at += speech.length + pause.length;
  }
  const pcm = concatPcm(parts);
  const truth = Array.from(
    { length: Math.floor(pcm.length / CELL) },
    (_, c) => cellDb(pcm, c) > -45,
  );
  const active = truth.reduce(
    (sum, t, c) => sum + (t ? power(pcm, c * CELL, (c + 1) * CELL) : 0),
    0,
  );
  const gain =
    (32768 * 10 ** (SPEECH_DBFS / 20)) / Math.sqrt(active / truth.filter(Boolean).length);
  return { pcm: Int16Array.from(pcm, (s) => Math.round(s * gain)), truth, onsets, ends };
}

const babbleTalkers = await Promise.all(BABBLE.map(([voice, text]) => speak(text, voice)));
type Noise = 'white' | 'babble' | 'hum';
/** `length` samples of a noise at unit RMS (in sample units). */
function noise(kind: Noise, length: number, seed: number): Float64Array {
  const out = new Float64Array(length);
  const random = rng(seed);
  if (kind === 'white') for (let i = 0; i < length; i++) out[i] = random() * 2 - 1;
  else if (kind === 'hum')
    for (let i = 0; i < length; i++)
      for (let h = 1; h <= 9; h++)
        out[i]! += Math.sin((2 * Math.PI * 50 * h * i) / RATE + h * seed) / h;
  else
    babbleTalkers.forEach((talker, k) => {
      const offset = Math.floor(random() * talker.length);
      for (let i = 0; i < length; i++) out[i]! += talker[(i + offset + k * 997) % talker.length]!;
    });
  const rms = Math.sqrt(out.reduce((s, x) => s + x * x, 0) / length);
  return out.map((x) => x / rms);
}
function mix(speech: Int16Array, kind: Noise, snrDb: number, seed: number): Int16Array {
  const level = 32768 * 10 ** ((SPEECH_DBFS - snrDb) / 20);
  const n = noise(kind, speech.length, seed);
  return Int16Array.from(speech, (s, i) =>
    Math.max(-32768, Math.min(32767, Math.round(s + n[i]! * level))),
  );
}

const framesOf = (pcm: Int16Array): AudioFrame[] =>
  Array.from({ length: Math.floor(pcm.length / 160) }, (_, i) => ({
    samples: pcm.subarray(i * 160, (i + 1) * 160),
    sampleRate: RATE,
    channel: 'a',
    startSample: i * 160,
  }));

interface Engine {
  readonly name: string;
  readonly openVad: OpenVad;
}
const engines: Engine[] = [
  { name: 'WebRTC (mode 3)', openVad: await loadWebRtcVad() },
  { name: 'Silero v5', openVad: await loadSileroVad() },
  { name: 'Silero v5, every frame run', openVad: await loadSileroVad({ skipQuiet: false }) },
];

async function frameScores(engine: Engine, pcm: Int16Array, truth: boolean[]) {
  const vad = engine.openVad({ sampleRate: RATE });
  const decided = new Array<boolean>(truth.length).fill(false);
  for (let at = 0; at + vad.frameSamples <= pcm.length; at += vad.frameSamples) {
    const voiced = await vad.isSpeech(pcm.subarray(at, at + vad.frameSamples));
    for (let s = at; s < at + vad.frameSamples; s += CELL / 2) {
      const cell = Math.floor(s / CELL);
      if (cell < decided.length && voiced) decided[cell] = true; // a cell half covered counts
    }
  }
  vad.close();
  let tp = 0;
  let fp = 0;
  let fn = 0;
  truth.forEach((t, c) => {
    if (t && decided[c]) tp++;
    else if (!t && decided[c]) fp++;
    else if (t) fn++;
  });
  return { precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn) };
}

/**
 * The turns detectTurns finds: when each `speech-start` is emitted (see the header), and
 * how long turns last in all (ms from each `speech-start` to its `speech-end`).
 */
async function turns(
  engine: Engine,
  pcm: Int16Array,
): Promise<{ starts: number[]; inTurnMs: number }> {
  const frameMs = (engine.openVad({ sampleRate: RATE }).frameSamples * 1000) / RATE;
  const events = await lastValueFrom(
    from(framesOf(pcm)).pipe(detectTurns({ openVad: engine.openVad }), toArray()),
  );
  let inTurnMs = 0;
  let startedAt = 0;
  for (const e of events)
    if (e.type === 'speech-start') startedAt = e.atMs;
    else inTurnMs += e.atMs - startedAt;
  const starts = events
    .filter((e) => e.type === 'speech-start')
    .map((e) => e.atMs + Math.ceil(40 / frameMs) * frameMs);
  return { starts, inTurnMs };
}

/** Per utterance, the first `speech-start` from 200 ms before its onset to its end. */
function onsetDelays(
  emitted: number[],
  { onsets, ends }: { onsets: number[]; ends: number[] },
): { median: number; missed: number } {
  const delays: number[] = [];
  let missed = 0;
  onsets.forEach((onset, i) => {
    const onsetMs = (onset * 1000) / RATE;
    const endMs = (ends[i]! * 1000) / RATE;
    const hit = emitted.find((t) => t >= onsetMs - 200 && t < endMs);
    if (hit === undefined) missed++;
    else delays.push(hit - onsetMs);
  });
  delays.sort((a, b) => a - b);
  return { median: delays[Math.floor(delays.length / 2)] ?? Number.NaN, missed };
}

async function cpuPerSecond(engine: Engine, pcm: Int16Array): Promise<number> {
  const vad = engine.openVad({ sampleRate: RATE });
  const before = process.cpuUsage();
  for (let at = 0; at + vad.frameSamples <= pcm.length; at += vad.frameSamples)
    await vad.isSpeech(pcm.subarray(at, at + vad.frameSamples));
  const used = process.cpuUsage(before);
  vad.close();
  return (used.user + used.system) / 1000 / (pcm.length / RATE); // ms per second of audio
}

const talks = { en: await conversation('en'), vi: await conversation('vi') };
const conditions: [Noise | 'clean', number][] = [
  ['clean', Number.POSITIVE_INFINITY],
  ...(['white', 'babble', 'hum'] as const).flatMap((n) =>
    [20, 10, 5].map((s) => [n, s] as [Noise, number]),
  ),
];
const pct = (x: number) => (x * 100).toFixed(1);
const totals = new Map<
  string,
  { f1: number; missed: number; falseStarts: number; falseTurnMs: number; n: number }
>();

console.log(
  `VAD comparison on 8 kHz eSpeak speech (${SENTENCES.en.length} English + ${SENTENCES.vi.length} Vietnamese utterances at ${SPEECH_DBFS} dBFS)\n`,
);
console.log(
  '| noise | SNR | engine | precision % | recall % | onset delay, median ms | utterances missed | false barge-ins / min of noise | noise taken for a turn % |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [kind, snr] of conditions) {
  for (const engine of engines) {
    let precision = 0;
    let recall = 0;
    const delays: number[] = [];
    let missed = 0;
    for (const [language, talk] of Object.entries(talks)) {
      const seed = language === 'en' ? 11 : 13;
      const pcm = kind === 'clean' ? talk.pcm : mix(talk.pcm, kind, snr, seed);
      const scores = await frameScores(engine, pcm, talk.truth);
      precision += scores.precision / 2;
      recall += scores.recall / 2;
      const onset = onsetDelays((await turns(engine, pcm)).starts, talk);
      delays.push(onset.median);
      missed += onset.missed;
    }
    let falseStarts = 0;
    let falseTurnMs = 0;
    if (kind !== 'clean') {
      const alone = Int16Array.from(noise(kind, RATE * 60, 17), (x) =>
        Math.max(-32768, Math.min(32767, Math.round(x * 32768 * 10 ** ((SPEECH_DBFS - snr) / 20)))),
      );
      const found = await turns(engine, alone);
      falseStarts = found.starts.length;
      falseTurnMs = found.inTurnMs;
    }
    const total = totals.get(engine.name) ?? {
      f1: 0,
      missed: 0,
      falseStarts: 0,
      falseTurnMs: 0,
      n: 0,
    };
    totals.set(engine.name, {
      f1: total.f1 + (2 * precision * recall) / (precision + recall),
      missed: total.missed + missed,
      falseStarts: total.falseStarts + falseStarts,
      falseTurnMs: total.falseTurnMs + falseTurnMs,
      n: total.n + 1,
    });
    const utterances = SENTENCES.en.length + SENTENCES.vi.length;
    console.log(
      `| ${kind} | ${kind === 'clean' ? '—' : `${snr} dB`} | ${engine.name} | ${pct(precision)} | ${pct(recall)} | ${delays.map((d) => (Number.isNaN(d) ? '—' : d.toFixed(0))).join(' / ')} | ${missed} of ${utterances} | ${kind === 'clean' ? '—' : falseStarts} | ${kind === 'clean' ? '—' : pct(falseTurnMs / 60_000)} |`,
    );
  }
}

console.log(
  '\n| engine | mean frame F1 | utterances missed (of 160) | false barge-ins (9 min of noise) | noise taken for a turn | CPU per call-second | call sides per core |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
const noisy = mix(talks.en.pcm, 'white', 10, 11);
for (const engine of engines) {
  const t = totals.get(engine.name)!;
  await cpuPerSecond(engine, noisy); // warm-up
  const ms = await cpuPerSecond(engine, noisy);
  console.log(
    `| ${engine.name} | ${(t.f1 / t.n).toFixed(3)} | ${t.missed} | ${t.falseStarts} | ${pct(t.falseTurnMs / (9 * 60_000))} % | ${ms.toFixed(2)} ms | ${Math.floor(1000 / ms)} |`,
  );
}
console.log(
  '\nonset delay: English / Vietnamese medians (— when every utterance was missed); noise taken for a turn: share of the noise-only minute inside a turn (the bot would stay silenced).',
);
