// One run of the campaign bench, in a process of its own so that its memory is its own:
// stores the campaign, dials it to the end with the instant callees, and prints its figures
// as one JSON line (`campaign.bench.ts` starts it once per engine).
//   tsx bench/engine-run.ts --engine embedded|redis|reference --contacts N [--redis-url U] [--limit-s S]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  type CampaignEngine,
  type CampaignEvent,
  type CampaignPolicy,
  type CampaignSpec,
  createEmbeddedEngine,
  createRedisEngine,
  type Outcome,
} from '@psrkit/campaign';
import { Redis } from 'ioredis';
import {
  benchContacts,
  type CallReports,
  expectedAttempts,
  instantDialer,
} from './instant-callees.js';
import { MemoryCampaign } from './memory-campaign.js';

/** What one run measured (`campaign.bench.ts` reads it). */
export interface RunFigures {
  readonly engine: string;
  readonly contacts: number;
  readonly expectedAttempts: number;
  readonly attempts: number;
  readonly finished: boolean;
  readonly createMs: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssBeforeMb: number;
  readonly rssPeakMb: number;
  readonly heapBeforeMb: number;
  readonly heapPeakMb: number;
  readonly heapAfterMb: number;
  readonly outcomes: Partial<Record<Outcome, number>>;
  readonly dialer: { dials: number; ignored: number; errors: number; firstError?: string };
  readonly storeMb?: number;
  readonly redis?: { cpuMs: number; usedPeakMb: number; usedAfterMb: number };
}

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string' },
    contacts: { type: 'string', default: '100000' },
    'redis-url': { type: 'string' },
    'limit-s': { type: 'string', default: '900' },
  },
});
const engineName = args.engine ?? 'embedded';
const contactCount = Number(args.contacts);
const limitMs = Number(args['limit-s']) * 1000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const heapNow = () => {
  gc();
  return mb(process.memoryUsage().heapUsed);
};

/**
 * Never the limit: 1000 a second is the most either engine dials (one dial per millisecond
 * at most, never in bursts), and 200 at once is never reached with calls over at once.
 * Built directly: `resolvePolicy` caps `callsPerSecond` at 100.
 */
const policy: CampaignPolicy = {
  maxConcurrent: 200,
  callsPerSecond: 1000,
  schedule: {
    timeZone: 'UTC',
    windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
  },
  maxAttempts: 2,
  retryAfter: {
    'no-answer': { ms: 0, backoff: 'linear' },
    busy: { ms: 0, backoff: 'linear' },
    failed: { ms: 0, backoff: 'linear' },
  },
  neverRetry: [],
  minGapMs: 0,
  ringTimeoutMs: 60_000,
  advertising: false,
};
const spec: CampaignSpec = {
  id: `bench-${engineName}`,
  policy,
  call: { botUrl: 'ws://127.0.0.1:9/', channel: 'mono_b', isSilence: true },
};

/** What a run needs of an engine or of the reference. */
interface Target extends CallReports {
  watch(listener: (event: CampaignEvent) => void): void;
  start(): Promise<unknown>;
  run: CampaignEngine['run'];
  close(): Promise<void>;
}

async function openTarget(dir: string): Promise<Target> {
  const contacts = benchContacts(contactCount);
  if (engineName === 'reference') {
    const listeners: ((event: CampaignEvent) => void)[] = [];
    const campaign = new MemoryCampaign(spec, contacts, (e) => {
      for (const l of listeners) l(e);
    });
    return {
      watch: (l) => void listeners.push(l),
      start: async () => undefined,
      run: (dialer, signal) => campaign.run(dialer, signal),
      callAnswered: (id, at) => campaign.callAnswered(id, at),
      callEnded: (id, end) => campaign.callEnded(id, end),
      close: async () => undefined,
    };
  }
  const engine: CampaignEngine =
    engineName === 'redis'
      ? await createRedisEngine({
          url: args['redis-url'] ?? 'redis://127.0.0.1:6379',
          prefix: 'bench',
          onError: (error) => console.error(`redis engine: ${error.message}`),
        })
      : createEmbeddedEngine({ path: join(dir, 'campaign.db') });
  await engine.create(spec, contacts);
  return {
    watch: (l) => void engine.watch(l),
    start: () => engine.start(spec.id),
    run: (dialer, signal) => engine.run(dialer, signal),
    callAnswered: (id, at) => engine.callAnswered(id, at),
    callEnded: (id, end) => engine.callEnded(id, end),
    close: () => engine.close(),
  };
}

/** Redis's own CPU (ms, user + system) and memory (MB), from `INFO`. */
async function redisInfo(): Promise<
  { cpuMs: number; usedPeakMb: number; usedMb: number } | undefined
> {
  if (engineName !== 'redis') return undefined;
  const redis = new Redis(args['redis-url'] ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  try {
    await redis.connect();
    const info = await redis.info();
    const field = (name: string) =>
      Number(new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1] ?? Number.NaN);
    return {
      cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000,
      usedPeakMb: mb(field('used_memory_peak')),
      usedMb: mb(field('used_memory')),
    };
  } finally {
    redis.disconnect();
  }
}

/** The process's peak RSS and heap, sampled every 100 ms until `stop()`. */
function sampleMemory() {
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  let heapPeak = 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 100);
  return {
    stop() {
      clearInterval(sampler);
      return { rssBefore, rssPeak, heapPeak };
    },
  };
}

async function main(): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'psrkit-campaign-bench-'));
  try {
    const createStart = performance.now();
    const target = await openTarget(dir);
    const createMs = performance.now() - createStart;
    const outcomes: Partial<Record<Outcome, number>> = {};
    let attempts = 0;
    let completed = () => {};
    const done = new Promise<void>((resolve) => {
      completed = resolve;
    });
    target.watch((event) => {
      if (
        event.type === 'state-changed' &&
        event.campaignId === spec.id &&
        event.state === 'completed'
      )
        completed();
      if (event.type === 'attempt-changed' && event.attempt.phase === 'ended') {
        attempts += 1;
        const outcome = event.attempt.outcome ?? 'unknown';
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    });
    const { dial, stats } = instantDialer(() => target);
    const redisBefore = await redisInfo();
    const heapBeforeMb = heapNow();
    const memory = sampleMemory();
    const stop = new AbortController();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const progress = setInterval(
      () =>
        console.error(
          `  ${engineName}: ${attempts} attempts in ${Math.round((performance.now() - start) / 1000)} s`,
        ),
      15_000,
    );
    const running = target.run(dial, stop.signal);
    await target.start();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      done.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), limitMs);
      }),
    ]);
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    clearTimeout(timer);
    const { rssBefore, rssPeak, heapPeak } = memory.stop();
    clearInterval(progress);
    stop.abort();
    await running;
    const redisAfter = await redisInfo();
    const heapAfterMb = heapNow();
    const dialerStats = { ...stats };
    await target.close();
    const storeFile = join(dir, 'campaign.db');
    return {
      engine: engineName,
      contacts: contactCount,
      expectedAttempts: expectedAttempts(contactCount),
      attempts,
      finished,
      createMs,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssBeforeMb: mb(rssBefore),
      rssPeakMb: mb(rssPeak),
      heapBeforeMb,
      heapPeakMb: mb(heapPeak),
      heapAfterMb,
      outcomes,
      dialer: dialerStats,
      ...(engineName === 'embedded' && { storeMb: mb(statSync(storeFile).size) }),
      ...(redisBefore &&
        redisAfter && {
          redis: {
            cpuMs: redisAfter.cpuMs - redisBefore.cpuMs,
            usedPeakMb: redisAfter.usedPeakMb,
            usedAfterMb: redisAfter.usedMb,
          },
        }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
// BullMQ's and ioredis's timers must not hold the exit once the figures are out.
process.exit(0);
