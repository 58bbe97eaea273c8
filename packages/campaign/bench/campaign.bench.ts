// pnpm bench: a 100 000-contact campaign with instant outcomes, dialled by the embedded
// engine (SQLite) and by BullMQ over Redis, side by side with a reference measured in the
// same run: dispatch rate, CPU per attempt, memory.
//
// The callees (instant-callees.ts) answer create-stream at once and end each call on the next
// turn of the event loop: 60 % answer, 10 % do not answer the first time and answer the
// second, 10 % busy twice, 10 % refused twice, 10 % voicemail — 1.3 attempts per contact.
// They stand in for the emulator in-process, so that what is measured is the engine: HTTP
// and WebSockets cost the same whatever the engine (`pnpm bench:load` measures them).
//
// The reference (memory-campaign.ts) is the embedded engine's dispatch loop over plain Maps:
// same limits, same pacing (one dial per millisecond at most), same records and phases, same
// retry rule and events, no store. Its figures are the floor any engine pays for this loop;
// an engine's ratio to it is what its store, its durability and its queues cost.
//
// Each run is a process of its own (engine-run.ts), so its memory is its own. Options:
//   --contacts N (env CAMPAIGN_BENCH_CONTACTS; default 100 000) for a quick run
//   --engines reference,embedded,redis   --limit-s S (per engine; default 600)
//   --write (results to bench/results/campaign-<date>.md)   --profile DIR (--cpu-prof)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedisServer } from '../src/__fixtures__/redis-server.js';
import type { RunFigures } from './engine-run.js';
import { formatMarkdown, formatRows } from './results-table.js';

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: process.env['CAMPAIGN_BENCH_CONTACTS'] ?? '100000' },
    engines: { type: 'string', default: 'reference,embedded,redis' },
    'limit-s': { type: 'string', default: process.env['CAMPAIGN_BENCH_LIMIT_S'] ?? '600' },
    write: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const engines = (args.engines ?? '').split(',').filter(Boolean);
const redisInstalled = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** Runs one engine in a child process; resolves with its figures. */
async function runChild(engine: string, extra: string[] = []): Promise<RunFigures> {
  const script = fileURLToPath(new URL('engine-run.ts', import.meta.url));
  const profile = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      ...profile,
      script,
      ...[
        '--engine',
        engine,
        '--contacts',
        args.contacts ?? '',
        '--limit-s',
        args['limit-s'] ?? '',
        ...extra,
      ],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const code = await new Promise((resolve) => child.once('close', resolve));
    const line = out.trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !line.startsWith('{'))
      throw new Error(`the ${engine} run failed (exit ${code}): ${out}`);
    return JSON.parse(line) as RunFigures;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

const runs: RunFigures[] = [];
const notes: string[] = [];
for (const engine of engines) {
  console.error(`campaign bench: ${engine}, ${args.contacts} contacts…`);
  if (engine !== 'redis') {
    runs.push(await runChild(engine));
    continue;
  }
  if (!redisInstalled) {
    const note =
      'redis-server is not installed: the BullMQ engine was not measured (apt-get install redis-server)';
    console.log(note);
    notes.push(note);
    continue;
  }
  const redis = await startRedisServer();
  try {
    runs.push(await runChild('redis', ['--redis-url', redis.url]));
  } finally {
    await redis.remove();
  }
}

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`;
console.log(`\n@psrkit/campaign: ${args.contacts} contacts, instant outcomes (${machine})`);
console.table(formatRows(runs));
for (const run of runs.filter((r) => !r.finished))
  console.log(
    `${run.engine}: stopped at the ${args['limit-s']} s limit after ${run.attempts} of ${run.expectedAttempts} attempts (its figures are over those)`,
  );
if (args.write) {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/^(\d{4})(\d\d)(\d\d)T(\d{6}).*/, '$1-$2-$3T$4');
  const dir = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}campaign-${stamp}.md`;
  writeFileSync(file, formatMarkdown(runs, { machine, limitS: Number(args['limit-s']), notes }));
  console.log(`written to ${file}`);
}
