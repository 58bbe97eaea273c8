import type { CampaignEngine, CampaignSpec, DialReply, DialRequest } from '../campaign-engine.js';
import type { AttemptRecord, CampaignPolicy, Contact } from '../campaign-types.js';

/** A dialer that records every request and answers as the test says. */
export interface ScriptedDialer {
  /** Every request, in order. */
  readonly requests: DialRequest[];
  /** Calls in flight right now by the dialer's count (dialled, not ended by the test). */
  readonly live: Set<string>;
  /** The most calls in flight at once. */
  peak: number;
  /** The dialer: records the request, then answers or refuses. */
  dial(request: DialRequest): Promise<DialReply>;
}

const ALWAYS = {
  timeZone: 'UTC',
  windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
};

/** A policy for tests: always open, quick, short waits. */
export function quickPolicy(overrides: Partial<CampaignPolicy> = {}): CampaignPolicy {
  return {
    maxConcurrent: 5,
    callsPerSecond: 200,
    schedule: ALWAYS,
    maxAttempts: 3,
    retryAfter: {
      busy: { ms: 20, backoff: 'linear' },
      'no-answer': { ms: 20, backoff: 'linear' },
      failed: { ms: 20, backoff: 'linear' },
      unknown: { ms: 20, backoff: 'linear' },
    },
    neverRetry: [],
    minGapMs: 0,
    ringTimeoutMs: 5000,
    advertising: false,
    ...overrides,
  };
}

let specs = 0;
/** A campaign spec for tests, with a unique id. */
export function testSpec(policy: Partial<CampaignPolicy> = {}): CampaignSpec {
  specs += 1;
  return {
    id: `c${specs}-${process.pid}`,
    policy: quickPolicy(policy),
    call: { botUrl: 'ws://127.0.0.1:9/', parameter: { fixed: 'yes' } },
  };
}

/** `n` contacts with distinct Vietnamese mobile numbers and a field each. */
export function testContacts(n: number): Contact[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `k${i + 1}`,
    phone: `+8491${String(1000000 + i).padStart(7, '0')}`,
    fields: { danh_xung: i % 2 ? 'anh' : 'chị' },
    line: i + 2,
  }));
}

/** A dialer that answers every request at once with a call id. */
export function scriptedDialer(
  refuse?: (request: DialRequest) => Error | undefined,
): ScriptedDialer {
  const dialer: ScriptedDialer = {
    requests: [],
    live: new Set(),
    peak: 0,
    async dial(request) {
      dialer.requests.push(request);
      const refusal = refuse?.(request);
      if (refusal) throw refusal;
      dialer.live.add(request.attemptId);
      dialer.peak = Math.max(dialer.peak, dialer.live.size);
      return {
        callId: `call-${request.attemptId}`,
        recordingUrl: `http://rec/${request.attemptId}.wav`,
      };
    },
  };
  return dialer;
}

/** Resolves once `check` holds, looking every 10 ms (a hang is caught by the test's limit). */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Every attempt of a campaign. */
export async function allAttempts(engine: CampaignEngine, id: string): Promise<AttemptRecord[]> {
  const out: AttemptRecord[] = [];
  for await (const attempt of engine.attempts(id)) out.push(attempt);
  return out;
}
