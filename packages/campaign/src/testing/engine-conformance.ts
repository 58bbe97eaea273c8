import type { CampaignEngine, DialRequest } from '../campaign-engine.js';
import type { Outcome } from '../campaign-types.js';
import { CampaignError } from '../errors.js';
import type { TestApi } from './test-api.js';
import {
  allAttempts,
  type ScriptedDialer,
  scriptedDialer,
  testContacts,
  testSpec,
  until,
} from './test-campaigns.js';

/** Options of {@link describeCampaignEngineConformance}. */
export interface EngineConformanceOptions {
  /** A fresh engine (its own empty store) for each test. */
  readonly engine: () => Promise<CampaignEngine>;
}

/** What each conformance test runs with. */
interface Conformance {
  readonly options: EngineConformanceOptions;
  readonly expect: TestApi['expect'];
}

/** Runs `work` on a fresh engine, closed after. */
async function withEngine(
  options: EngineConformanceOptions,
  work: (engine: CampaignEngine) => Promise<void>,
): Promise<void> {
  const engine = await options.engine();
  try {
    await work(engine);
  } finally {
    await engine.close();
  }
}

/** Runs `work` with a fresh engine dialling through `dialer`; stops and closes it after. */
async function withRunning(
  options: EngineConformanceOptions,
  dialer: ScriptedDialer,
  work: (engine: CampaignEngine) => Promise<void>,
): Promise<void> {
  const engine = await options.engine();
  const stop = new AbortController();
  const running = engine.run((r) => dialer.dial(r), stop.signal);
  try {
    await work(engine);
  } finally {
    stop.abort();
    await running;
    await engine.close();
  }
}

/** Ends a live call of the dialer's with `outcome`. */
function end(engine: CampaignEngine, dialer: ScriptedDialer, attemptId: string, outcome: Outcome) {
  dialer.live.delete(attemptId);
  return engine.callEnded(attemptId, { at: Date.now(), outcome, reason: `test: ${outcome}` });
}

/** Goes draft → running ⇄ paused → cancelled, and refuses what its state does not allow. */
async function lifecycleStates({ options, expect }: Conformance): Promise<void> {
  await withEngine(options, async (engine) => {
    const spec = testSpec();
    expect((await engine.create(spec, testContacts(2))).state).toBe('draft');
    await expect(engine.create(spec, [])).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(engine.resume(spec.id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect((await engine.start(spec.id)).state).toBe('running');
    expect((await engine.pause(spec.id)).state).toBe('paused');
    expect((await engine.resume(spec.id)).state).toBe('running');
    expect((await engine.cancel(spec.id)).state).toBe('cancelled');
    await expect(engine.resume(spec.id)).rejects.toSatisfy(
      (e: unknown) => CampaignError.isInstance(e) && e.code === 'INVALID_STATE',
    );
    await expect(engine.start('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await engine.get('nope')).toBeUndefined();
    expect((await engine.list()).map((c) => c.spec.id)).toContain(spec.id);
  });
}

/** Keeps a scheduled campaign waiting until its start time. */
async function scheduledStart({ options, expect }: Conformance): Promise<void> {
  await withEngine(options, async (engine) => {
    const spec = testSpec();
    await engine.create(spec, testContacts(1));
    const info = await engine.start(spec.id, Date.now() + 3_600_000);
    expect(info.state).toBe('scheduled');
    expect(info.startAt).toBeGreaterThan(Date.now());
  });
}

/** Adds only contacts it does not hold yet. */
async function addsNewContacts({ options, expect }: Conformance): Promise<void> {
  await withEngine(options, async (engine) => {
    const spec = testSpec();
    await engine.create(spec, testContacts(2));
    expect(await engine.addContacts(spec.id, testContacts(3))).toEqual({ added: 1, known: 2 });
    expect((await engine.get(spec.id))?.counts.contacts).toBe(3);
  });
}

/** Dials every contact once, with its fields and the ids, never more at once than allowed. */
async function dialsEachOnce({ options, expect }: Conformance): Promise<void> {
  const dialer = scriptedDialer();
  await withRunning(options, dialer, async (engine) => {
    const spec = testSpec({ maxConcurrent: 2 });
    await engine.create(spec, testContacts(6));
    await engine.start(spec.id);
    const ended = new Set<string>();
    while (ended.size < 6) {
      await until(() => dialer.live.size > 0);
      expect(dialer.live.size).toBeLessThanOrEqual(2);
      const next = [...dialer.live][0] as string;
      await engine.callAnswered(next, Date.now());
      await end(engine, dialer, next, 'completed');
      ended.add(next);
    }
    await until(async () => (await engine.get(spec.id))?.state === 'completed');
    expect(dialer.peak).toBe(2);
    expect(dialer.requests.map((r) => r.contact.id).sort()).toEqual([
      'k1',
      'k2',
      'k3',
      'k4',
      'k5',
      'k6',
    ]);
    const first = dialer.requests.find((r) => r.contact.id === 'k1') as DialRequest;
    expect(first.parameter).toEqual({
      fixed: 'yes',
      danh_xung: 'chị',
      campaign_id: spec.id,
      contact_id: 'k1',
      attempt_id: first.attemptId,
      attempt: '1',
    });
    const attempts = await allAttempts(engine, spec.id);
    expect(attempts).toHaveLength(6);
    for (const a of attempts) {
      expect(a).toMatchObject({
        phase: 'ended',
        outcome: 'completed',
        callId: `call-${a.attemptId}`,
      });
      expect(a.answeredAt).toBeGreaterThanOrEqual(a.dialledAt);
    }
  });
}

/** Retries by outcome within one attempt cap per contact. */
async function retriesByOutcome({ options, expect }: Conformance): Promise<void> {
  const dialer = scriptedDialer();
  await withRunning(options, dialer, async (engine) => {
    const spec = testSpec({ maxAttempts: 3 });
    await engine.create(spec, testContacts(1));
    await engine.start(spec.id);
    for (const outcome of ['busy', 'no-answer', 'failed'] as const) {
      await until(() => dialer.live.size === 1);
      await end(engine, dialer, [...dialer.live][0] as string, outcome);
    }
    await until(async () => (await engine.get(spec.id))?.state === 'completed');
    const attempts = await allAttempts(engine, spec.id);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'busy'],
      [2, 'no-answer'],
      [3, 'failed'],
    ]);
    expect(new Set(attempts.map((a) => a.attemptId)).size).toBe(3);
    expect(dialer.requests).toHaveLength(3);
  });
}

/** Never retries a final outcome, nor one the policy lists as never. */
async function finalOutcomes({ options, expect }: Conformance): Promise<void> {
  const dialer = scriptedDialer();
  await withRunning(options, dialer, async (engine) => {
    const spec = testSpec({ neverRetry: ['busy'] });
    await engine.create(spec, testContacts(2));
    await engine.start(spec.id);
    await until(() => dialer.live.size === 2);
    const [a, b] = [...dialer.live] as [string, string];
    await end(engine, dialer, a, 'transferred');
    await end(engine, dialer, b, 'busy');
    await until(async () => (await engine.get(spec.id))?.state === 'completed');
    expect(dialer.requests).toHaveLength(2);
    expect((await engine.get(spec.id))?.counts).toMatchObject({
      contacts: 2,
      settled: 2,
      attempts: 2,
      outcomes: { transferred: 1, busy: 1 },
    });
  });
}

/** Records a refusal as failed with its code, and a call that never comes as no-answer. */
async function refusalsAndSilence({ options, expect }: Conformance): Promise<void> {
  const refusal = Object.assign(new Error('HTTP 503: down'), { code: 'HTTP_ERROR' });
  const dialer = scriptedDialer((r) => (r.contact.id === 'k1' ? refusal : undefined));
  await withRunning(options, dialer, async (engine) => {
    const spec = testSpec({ maxAttempts: 1, ringTimeoutMs: 1000 });
    await engine.create(spec, testContacts(2));
    await engine.start(spec.id);
    await until(async () => (await engine.get(spec.id))?.state === 'completed');
    const byContact = Object.fromEntries(
      (await allAttempts(engine, spec.id)).map((a) => [a.contactId, a]),
    );
    expect(byContact['k1']).toMatchObject({
      outcome: 'failed',
      reason: 'HTTP_ERROR: HTTP 503: down',
    });
    expect(byContact['k2']).toMatchObject({ outcome: 'no-answer', phase: 'ended' });
    expect(byContact['k2']?.answeredAt).toBeUndefined();
  });
}

/** Takes back a call that comes after its ring timeout, and drops the retry it had. */
async function lateAnswer({ options, expect }: Conformance): Promise<void> {
  const dialer = scriptedDialer();
  await withRunning(options, dialer, async (engine) => {
    const spec = testSpec({
      maxAttempts: 2,
      ringTimeoutMs: 150,
      retryAfter: { 'no-answer': { ms: 60_000, backoff: 'linear' } },
    });
    await engine.create(spec, testContacts(1));
    await engine.start(spec.id);
    await until(async () => (await allAttempts(engine, spec.id))[0]?.phase === 'ended');
    const id = dialer.requests[0]?.attemptId as string;
    expect(await engine.callAnswered(id, Date.now())).toBe(true);
    expect((await allAttempts(engine, spec.id))[0]).toMatchObject({ phase: 'answered' });
    await end(engine, dialer, id, 'completed');
    await until(async () => (await engine.get(spec.id))?.state === 'completed');
    expect(dialer.requests).toHaveLength(1);
    expect((await allAttempts(engine, spec.id)).map((a) => a.outcome)).toEqual(['completed']);
  });
}

/** Checks the do-not-call list right before each dial. */
async function doNotCall({ options, expect }: Conformance): Promise<void> {
  const dialer = scriptedDialer();
  await withRunning(options, dialer, async (engine) => {
    const spec = testSpec();
    const contacts = testContacts(2);
    await engine.create(spec, contacts);
    await engine.suppress([contacts[1]?.phone as string]);
    await engine.start(spec.id);
    await until(() => dialer.live.size === 1);
    await end(engine, dialer, [...dialer.live][0] as string, 'completed');
    await until(async () => (await engine.get(spec.id))?.state === 'completed');
    expect(dialer.requests.map((r) => r.contact.id)).toEqual(['k1']);
    const suppressed = (await allAttempts(engine, spec.id)).find((a) => a.contactId === 'k2');
    expect(suppressed).toMatchObject({ outcome: 'suppressed', phase: 'ended' });
  });
}

/** Dials nothing while paused or cancelled, and again once resumed. */
async function pauseAndCancel({ options, expect }: Conformance): Promise<void> {
  const dialer = scriptedDialer();
  await withRunning(options, dialer, async (engine) => {
    const spec = testSpec({ maxConcurrent: 1 });
    await engine.create(spec, testContacts(3));
    await engine.start(spec.id);
    await until(() => dialer.live.size === 1);
    await engine.pause(spec.id);
    await end(engine, dialer, [...dialer.live][0] as string, 'completed');
    // Paused: the freed slot stays free (a pass runs on every settlement).
    await engine.callEnded('no-such-attempt', {
      at: Date.now(),
      outcome: 'completed',
      reason: '',
    });
    expect(dialer.requests).toHaveLength(1);
    await engine.resume(spec.id);
    await until(() => dialer.live.size === 1);
    expect(dialer.requests).toHaveLength(2);
    await engine.cancel(spec.id);
    await end(engine, dialer, [...dialer.live][0] as string, 'completed');
    expect(dialer.requests).toHaveLength(2);
    expect((await engine.get(spec.id))?.state).toBe('cancelled');
  });
}

/** Stores the bot's result fields and the detector's verdict. */
async function storesResults({ options, expect }: Conformance): Promise<void> {
  const dialer = scriptedDialer();
  await withRunning(options, dialer, async (engine) => {
    const spec = testSpec();
    await engine.create(spec, testContacts(1));
    await engine.start(spec.id);
    await until(() => dialer.live.size === 1);
    const id = [...dialer.live][0] as string;
    expect(await engine.callAnswered(id, Date.now())).toBe(true);
    expect(await engine.callAnswered(id, Date.now())).toBe(false);
    dialer.live.delete(id);
    expect(
      await engine.callEnded(id, {
        at: Date.now(),
        outcome: 'completed',
        reason: 'callee hung up',
        result: { promised_date: '2026-12-12' },
        verdict: 'human',
      }),
    ).toBe(true);
    expect(await engine.callEnded(id, { at: Date.now(), outcome: 'busy', reason: 'late' })).toBe(
      false,
    );
    const [attempt] = await allAttempts(engine, spec.id);
    expect(attempt).toMatchObject({
      outcome: 'completed',
      reason: 'callee hung up',
      verdict: 'human',
      result: { promised_date: '2026-12-12' },
    });
  });
}

/** Tells listeners of every state and attempt change. */
async function tellsListeners({ options, expect }: Conformance): Promise<void> {
  const dialer = scriptedDialer();
  await withRunning(options, dialer, async (engine) => {
    const events: string[] = [];
    const stop = engine.watch((e) =>
      events.push(e.type === 'state-changed' ? e.state : `${e.attempt.phase}`),
    );
    const spec = testSpec();
    await engine.create(spec, testContacts(1));
    await engine.start(spec.id);
    await until(() => dialer.live.size === 1);
    await end(engine, dialer, [...dialer.live][0] as string, 'completed');
    await until(() => events.includes('completed'));
    stop();
    expect(events[0]).toBe('draft');
    expect(events).toContain('running');
    expect(events).toContain('ended');
    expect(events.indexOf('ended')).toBeLessThan(events.indexOf('completed'));
  });
}

type ConformanceTest = readonly [title: string, test: (conformance: Conformance) => Promise<void>];

const LIFECYCLE: readonly ConformanceTest[] = [
  [
    'goes draft → running ⇄ paused → cancelled, and refuses what its state does not allow',
    lifecycleStates,
  ],
  ['keeps a scheduled campaign waiting until its start time', scheduledStart],
  ['adds only contacts it does not hold yet', addsNewContacts],
];

const DIALLING: readonly ConformanceTest[] = [
  [
    'dials every contact once, with its fields and the ids, never more at once than allowed',
    dialsEachOnce,
  ],
  ['retries by outcome within one attempt cap per contact', retriesByOutcome],
  ['never retries a final outcome, nor one the policy lists as never', finalOutcomes],
  [
    'records a refusal as failed with its code, and a call that never comes as no-answer',
    refusalsAndSilence,
  ],
  ['takes back a call that comes after its ring timeout, and drops the retry it had', lateAnswer],
  ['checks the do-not-call list right before each dial', doNotCall],
  ['dials nothing while paused or cancelled, and again once resumed', pauseAndCancel],
  ["stores the bot's result fields and the detector's verdict", storesResults],
  ['tells listeners of every state and attempt change', tellsListeners],
];

/** Registers the conformance suite of a `CampaignEngine` implementation. */
export function describeCampaignEngineConformance(
  { describe, it, expect }: TestApi,
  options: EngineConformanceOptions,
): void {
  for (const [group, tests] of [
    ['lifecycle', LIFECYCLE],
    ['dialling', DIALLING],
  ] as const)
    describe(group, () => {
      for (const [title, test] of tests) it(title, () => test({ options, expect }));
    });
}
