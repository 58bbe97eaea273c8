// Scores a detector's verdicts on a labelled set and prints them as Markdown tables.
import type { AnswerKind, AnswerVerdict } from '../src/index.js';
import { type Clip, TRUTHS } from './labelled-clip.js';

export interface Outcome {
  readonly clip: Clip;
  readonly verdict: AnswerVerdict;
}

const COLUMNS: readonly AnswerKind[] = ['human', 'voicemail', 'announcement', 'silence', 'unknown'];
const percent = (part: number, whole: number) =>
  whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`;
const seconds = (ms: number | undefined) =>
  ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`;

export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export interface Summary {
  readonly row: string;
  readonly matrix: string;
}

/** One row of the main table, and the detector's confusion matrix. */
export function summarise(name: string, outcomes: readonly Outcome[]): Summary {
  const right = outcomes.filter((o) => o.verdict.kind === o.clip.truth).length;
  const people = outcomes.filter((o) => o.clip.truth === 'human');
  const machines = people.filter(
    (o) => o.verdict.kind === 'voicemail' || o.verdict.kind === 'announcement',
  );
  const lost = people.filter((o) => o.verdict.kind !== 'human');
  const announced = outcomes.filter(
    (o) =>
      o.clip.truth === 'announcement' && o.verdict.kind === 'announcement' && o.clip.announcement,
  );
  const named = announced.filter(
    (o) => o.verdict.kind === 'announcement' && o.verdict.announcement === o.clip.announcement,
  );
  const took = outcomes.map((o) => o.verdict.tookMs);
  const peopleTook = people.filter((o) => o.verdict.kind === 'human').map((o) => o.verdict.tookMs);
  const afterGreeting = people
    .filter((o) => o.verdict.kind === 'human' && o.clip.greetingEndMs !== undefined)
    .map((o) => o.verdict.atMs - o.clip.greetingEndMs!);
  const viaTranscript = people.filter(
    (o) => o.verdict.kind === 'human' && o.verdict.decidedBy === 'transcript',
  );
  const machineTook = outcomes
    .filter((o) => o.clip.truth === 'voicemail' || o.clip.truth === 'announcement')
    .map((o) => o.verdict.tookMs);
  const row = [
    name,
    `${outcomes.length}`,
    percent(right, outcomes.length),
    `${percent(machines.length, people.length)} (${machines.length})`,
    `${percent(lost.length, people.length)} (${lost.length})`,
    announced.length ? percent(named.length, announced.length) : '–',
    `${seconds(quantile(took, 0.5))} / ${seconds(quantile(took, 0.95))}`,
    `${seconds(quantile(peopleTook, 0.5))} / ${seconds(quantile(peopleTook, 0.95))}`,
    `${seconds(quantile(afterGreeting, 0.5))} / ${seconds(quantile(afterGreeting, 0.95))}`,
    percent(viaTranscript.length, people.length),
    `${seconds(quantile(machineTook, 0.5))} / ${seconds(quantile(machineTook, 0.95))}`,
  ];
  const lines = [
    `| ${name}: truth ↓ verdict → | ${COLUMNS.join(' | ')} |`,
    `| --- | ${COLUMNS.map(() => '---').join(' | ')} |`,
    ...TRUTHS.filter((t) => outcomes.some((o) => o.clip.truth === t)).map((truth) => {
      const these = outcomes.filter((o) => o.clip.truth === truth);
      return `| ${truth} (${these.length}) | ${COLUMNS.map((c) => these.filter((o) => o.verdict.kind === c).length).join(' | ')} |`;
    }),
  ];
  return { row: `| ${row.join(' | ')} |`, matrix: lines.join('\n') };
}

export const HEADER = [
  '| detector | answers | accuracy | people → machine | people → not human | announcement kind right | verdict p50 / p95 | people p50 / p95 | people, after their greeting p50 / p95 | people decided by a transcript (+ its latency) | machines p50 / p95 |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
].join('\n');

/** Accuracy of each detector at each noise level. */
export function byNoise(
  results: readonly { name: string; outcomes: readonly Outcome[] }[],
): string {
  const levels = [...new Set(results.flatMap((r) => r.outcomes.map((o) => o.clip.noise)))];
  return [
    `| detector | ${levels.join(' | ')} |`,
    `| --- | ${levels.map(() => '---').join(' | ')} |`,
    ...results.map(({ name, outcomes }) => {
      const cells = levels.map((level) => {
        const these = outcomes.filter((o) => o.clip.noise === level);
        return percent(these.filter((o) => o.verdict.kind === o.clip.truth).length, these.length);
      });
      return `| ${name} | ${cells.join(' | ')} |`;
    }),
  ].join('\n');
}

/** The wrong verdicts on people: which clip, what was said, the verdict and its cause. */
export function peopleErrors(name: string, outcomes: readonly Outcome[]): string[] {
  return outcomes
    .filter((o) => o.clip.truth === 'human' && o.verdict.kind !== 'human')
    .map(
      (o) =>
        `${name}: ${o.clip.id} "${o.clip.spoken.map((s) => s.text).join(' / ')}" → ${o.verdict.kind} (${o.verdict.cause})`,
    );
}
