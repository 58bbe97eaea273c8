// Answer detection on a labelled set: per detector (cadence; transcript; combined),
// accuracy, the confusion matrix, people taken for machines (the costly error; goal ≤ 2 %),
// and the time to a verdict (people: goal p95 ≤ 1.5 s after their greeting ends).
//
// The set is synthetic unless `--set <dir>` names a folder of labelled WAVs (see
// wav-set.ts): eSpeak NG voices (see synthetic-set.ts) are not real callers — no breath,
// no room, no codec, no one who says nothing — so take the figures as a regression check,
// not as field accuracy. No speech-to-text engine runs here: the transcript rows use an
// oracle that knows what each clip says (oracle-stt.ts), clean or with 20 % of its words
// wrong; a real engine adds its errors and its latency (0.3–1.5 s) to theirs.
//
// Run: pnpm --filter @psrkit/plugin-answer-detect bench [-- --set <dir>] [--per-class N]
//   [--only cadence] [--cadence '{"greetingMs":2400}'] [--vad-mode 3]
import type { VadMode } from '@psrkit/plugin-vad';
import { from, lastValueFrom, toArray } from 'rxjs';
import {
  type AnswerDetector,
  type AnswerVerdict,
  type CadenceOptions,
  createAnswerDetector,
  createCadenceDetector,
  createTranscriptDetector,
} from '../src/index.js';
import { answerFrames } from '../src/testing/index.js';
import type { Clip } from './labelled-clip.js';
import { oracleStt } from './oracle-stt.js';
import { byNoise, HEADER, type Outcome, peopleErrors, summarise } from './scoring.js';
import { cacheDir } from './speak.js';
import { PER_CLASS, syntheticSet } from './synthetic-set.js';
import { wavSet } from './wav-set.js';

const argv = process.argv.slice(2);
const option = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const setDir = option('--set');
// Tuning: `--cadence '{"greetingMs":2400}'` (any CadenceOptions), `--vad-mode 3`.
const cadence = JSON.parse(option('--cadence') ?? '{}') as CadenceOptions;
const vadMode = option('--vad-mode');
const tuning = { cadence, ...(vadMode !== undefined && { vadMode: Number(vadMode) as VadMode }) };
const perClass = Number(option('--per-class') ?? PER_CLASS);

const started = performance.now();
const clips = setDir ? wavSet(setDir) : await syntheticSet(perClass);
const madeIn = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  setDir
    ? `${clips.length} recorded answers from ${setDir}`
    : `${clips.length} synthetic answers (${perClass} a class × clean, 20 dB, 10 dB line noise; eSpeak NG, cached in ${cacheDir}; ${madeIn} s)`,
);

let current: Clip = clips[0]!;
const withTranscripts = clips.filter((c) => c.spoken.length > 0 || c.truth === 'silence');
const detectors: { name: string; detector: AnswerDetector; needsText: boolean }[] = [
  { name: 'cadence', detector: createCadenceDetector(tuning), needsText: false },
  ...[0, 0.2].flatMap((wer) => {
    const label = wer === 0 ? 'oracle STT' : `oracle STT, ${wer * 100} % WER`;
    const stt = oracleStt(() => current, wer);
    return [
      {
        name: `transcript (${label})`,
        detector: createTranscriptDetector({ ...tuning, transcript: { stt } }),
        needsText: true,
      },
      {
        name: `combined (${label})`,
        detector: createAnswerDetector({ ...tuning, transcript: { stt } }),
        needsText: true,
      },
    ];
  }),
];

async function verdictOf(detector: AnswerDetector, clip: Clip): Promise<AnswerVerdict> {
  current = clip;
  const events = await lastValueFrom(
    detector.detect(from(answerFrames(clip.samples))).pipe(toArray()),
  );
  const verdict = events.find((e) => e.type === 'verdict');
  if (verdict?.type !== 'verdict') throw new Error(`${clip.id}: no verdict`);
  return verdict.verdict;
}

const only = option('--only'); // run the detectors whose name contains this
const results: { name: string; outcomes: Outcome[] }[] = [];
for (const { name, detector, needsText } of detectors) {
  if (only && !name.includes(only)) continue;
  const set = needsText ? withTranscripts : clips;
  if (set.length === 0) {
    console.log(`${name}: skipped (no transcripts beside the WAVs)`);
    continue;
  }
  const outcomes: Outcome[] = [];
  for (const clip of set) outcomes.push({ clip, verdict: await verdictOf(detector, clip) });
  results.push({ name, outcomes });
}

const summaries = results.map(({ name, outcomes }) => summarise(name, outcomes));
console.log(`\n${HEADER}\n${summaries.map((s) => s.row).join('\n')}`);
console.log('\nAccuracy by line noise (its level below the speech):\n');
console.log(byNoise(results));
for (const summary of summaries) console.log(`\n${summary.matrix}`);
const errors = results.flatMap(({ name, outcomes }) => peopleErrors(name, outcomes));
if (errors.length > 0)
  console.log(`\nPeople not taken for people:\n${errors.map((e) => `- ${e}`).join('\n')}`);
