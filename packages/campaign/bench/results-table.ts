// The campaign bench's figures as a console table and as a results page (bench/results/).
import type { RunFigures } from './engine-run.js';

const NAMES: Readonly<Record<string, string>> = {
  reference: 'reference: the loop over Maps',
  embedded: 'embedded (SQLite file)',
  redis: 'BullMQ over Redis',
};

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const ratio = (n: number, of: number) =>
  Number.isFinite(n / of) && of > 0 ? `${(n / of).toFixed(1)}×` : '–';

interface Derived {
  readonly run: RunFigures;
  readonly rate: number;
  readonly msPerAttempt: number;
  readonly cpuPerAttempt: number;
  readonly redisCpuPerAttempt: number;
}

function derive(run: RunFigures): Derived {
  const n = Math.max(1, run.attempts);
  return {
    run,
    rate: run.attempts / (run.wallMs / 1000),
    msPerAttempt: run.wallMs / n,
    cpuPerAttempt: run.cpuMs / n,
    redisCpuPerAttempt: run.redis ? run.redis.cpuMs / n : Number.NaN,
  };
}

/**
 * The figures side by side: a row per figure, a column per run; in brackets, the ratio to the
 * reference's figure of the same run.
 */
export function formatRows(runs: readonly RunFigures[]): Record<string, string>[] {
  const all = runs.map(derive);
  const ref = all.find((d) => d.run.engine === 'reference');
  const withRatio = (d: Derived, pick: (d: Derived) => number, digits: number) =>
    !ref || d === ref
      ? fixed(pick(d), digits)
      : `${fixed(pick(d), digits)} (${ratio(pick(d), pick(ref))})`;
  const figures: [string, (d: Derived) => string][] = [
    [
      'attempts',
      ({ run }) => `${run.attempts} of ${run.expectedAttempts}${run.finished ? '' : ' (stopped)'}`,
    ],
    [
      'storing the contacts, s',
      ({ run }) => (run.engine === 'reference' ? '–' : fixed(run.createMs / 1000)),
    ],
    ['dialling to done, s', ({ run }) => fixed(run.wallMs / 1000)],
    ['attempts per second', (d) => fixed(d.rate, 0)],
    ['time per attempt, ms', (d) => withRatio(d, (x) => x.msPerAttempt, 2)],
    ['CPU per attempt, ms', (d) => withRatio(d, (x) => x.cpuPerAttempt, 2)],
    [
      "Redis's own CPU per attempt, ms",
      (d) => (d.run.redis ? fixed(d.redisCpuPerAttempt, 2) : '–'),
    ],
    ['peak RSS, MB', ({ run }) => fixed(run.rssPeakMb, 0)],
    ['RSS growth while dialling, MB', ({ run }) => fixed(run.rssPeakMb - run.rssBeforeMb, 0)],
    ['heap growth after GC, MB', ({ run }) => fixed(run.heapAfterMb - run.heapBeforeMb)],
    [
      'store, MB',
      ({ run }) =>
        run.storeMb !== undefined
          ? `${fixed(run.storeMb)} (file)`
          : run.redis
            ? `${fixed(run.redis.usedPeakMb)} (Redis peak)`
            : '–',
    ],
  ];
  return figures.map(([figure, of]) =>
    Object.fromEntries([
      ['figure', figure],
      ...all.map((d) => [NAMES[d.run.engine] ?? d.run.engine, of(d)]),
    ]),
  );
}

/** A results page in the style of bench/results/: what ran where, the table, and what was odd. */
export function formatMarkdown(
  runs: readonly RunFigures[],
  meta: { readonly machine: string; readonly limitS: number; readonly notes: readonly string[] },
): string {
  const rows = formatRows(runs);
  const header = Object.keys(rows[0] ?? {});
  const table = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${header.map((h) => r[h]).join(' | ')} |`),
  ].join('\n');
  const contacts = runs[0]?.contacts ?? 0;
  const outcomes = runs
    .map(
      (r) =>
        `${NAMES[r.engine] ?? r.engine}: ${Object.entries(r.outcomes)
          .map(([o, n]) => `${o} ${n}`)
          .join(', ')}`,
    )
    .join('; ');
  const stopped = runs
    .filter((r) => !r.finished)
    .map(
      (r) =>
        `**${NAMES[r.engine] ?? r.engine} did not finish**: stopped at the ${meta.limitS} s limit after ${r.attempts} of ${r.expectedAttempts} attempts; its figures are over those (at its rate the whole campaign would take ${fixed(r.expectedAttempts / (r.attempts / (r.wallMs / 1000)) / 60, 0)} min).`,
    );
  const dialerTrouble = runs
    .filter((r) => r.dialer.errors > 0 || r.dialer.ignored > 0)
    .map(
      (r) =>
        `${r.engine}: ${r.dialer.errors} reports failed, ${r.dialer.ignored} ignored (${r.dialer.firstError ?? ''})`,
    );
  return `# Campaign benchmark, ${new Date().toISOString().slice(0, 10)}

${meta.machine}. \`pnpm bench\` in \`packages/campaign\` (\`bench/campaign.bench.ts\`), each engine in a process of its own.

${contacts} contacts, two attempts at most, retries due at once; \`maxConcurrent\` 200, \`callsPerSecond\` 1000 (one dial per millisecond: the most either engine dials). The callees answer create-stream at once and end each call on the next turn of the event loop (\`callAnswered\` + \`callEnded\`, as the server holding the call would): 60 % answer, 10 % no answer then an answer, 10 % busy twice, 10 % refused by create-stream twice, 10 % voicemail — 1.3 attempts per contact. The embedded engine's file is on the local disk (ext4; \`synchronous = FULL\`); Redis is a local \`redis-server\` with \`appendonly yes\` (the fixture of the engine's tests).

The reference, measured in the same run: the embedded engine's dispatch loop over plain Maps — same limits and pacing, same records through the same phases, same retry rule and events, nothing stored. Ratios are to its time and CPU per attempt: what a store, its durability and its queues cost on top of the loop. CPU is the engine's process (user + system); Redis's own CPU is beside it. Memory: the process's peak RSS while dialling, its growth over the RSS before the first dial, and the heap after a full GC at the end minus before the first dial (contacts already stored).

${table}

Outcomes recorded — ${outcomes}.
${[...stopped, ...dialerTrouble, ...meta.notes].map((line) => `\n${line}\n`).join('')}`;
}
