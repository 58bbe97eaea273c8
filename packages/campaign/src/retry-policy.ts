import { DEFAULT_SCHEDULE } from './calling-window.js';
import {
  type CampaignPolicy,
  type Outcome,
  RETRYABLE_OUTCOMES,
  type RetryableOutcome,
  type RetryDelay,
} from './campaign-types.js';
import { parseDuration } from './duration.js';
import { CampaignError } from './errors.js';
import { checkSchedule } from './window-spec.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How a campaign dials unless told otherwise: 10 calls at once, 1 new call a second,
 * 08:00–17:00 Vietnam time ({@link DEFAULT_SCHEDULE}), 3 attempts per contact, retries after
 * no answer (30 min), busy (10 min), unreachable (2 h), failed (5 min), unknown (30 min), all
 * linear; a voicemail is not retried; 45 s of ringing at most; not advertising.
 */
export const DEFAULT_POLICY: CampaignPolicy = {
  maxConcurrent: 10,
  callsPerSecond: 1,
  schedule: DEFAULT_SCHEDULE,
  maxAttempts: 3,
  retryAfter: {
    'no-answer': { ms: 30 * MINUTE, backoff: 'linear' },
    busy: { ms: 10 * MINUTE, backoff: 'linear' },
    unreachable: { ms: 2 * HOUR, backoff: 'linear' },
    failed: { ms: 5 * MINUTE, backoff: 'linear' },
    unknown: { ms: 30 * MINUTE, backoff: 'linear' },
  },
  neverRetry: [],
  minGapMs: 0,
  ringTimeoutMs: 45_000,
  advertising: false,
};

/** Part of a policy: what is left out (or undefined) is {@link DEFAULT_POLICY}'s. */
export type CampaignPolicyInput = {
  readonly [K in keyof CampaignPolicy]?: CampaignPolicy[K] | undefined;
};

/** The least `minGapMs` of an advertising campaign: one call a day to a number (Decree 91). */
export const ADVERTISING_MIN_GAP_MS = DAY;

/** Numeric settings and their ranges (inclusive); `integer` ones take whole numbers. */
const RANGES = {
  maxConcurrent: { min: 1, max: 1000, integer: true },
  callsPerSecond: { min: 0.001, max: 100, integer: false },
  maxAttempts: { min: 1, max: 20, integer: true },
  minGapMs: { min: 0, max: 365 * DAY, integer: true },
  ringTimeoutMs: { min: 1000, max: 10 * MINUTE, integer: true },
} as const;

/**
 * A complete, checked policy from part of one: {@link DEFAULT_POLICY} fills what is missing,
 * and `retryAfter` is merged outcome by outcome (`{ busy: … }` changes busy only; to stop
 * retrying an outcome, list it in `neverRetry`). An advertising campaign's `minGapMs` is
 * raised to 24 h ({@link ADVERTISING_MIN_GAP_MS}).
 *
 * Ranges: `maxConcurrent` 1–1000, `callsPerSecond` 0.001–100, `maxAttempts` 1–20, `minGapMs`
 * 0–365 days, `ringTimeoutMs` 1 s–10 min, retry delays 0–30 days.
 *
 * @throws CampaignError `INVALID_SETTING` whose `path` names the setting (`maxAttempts`,
 *   `retryAfter.busy`, `schedule`), for a value out of range, an unknown setting or outcome.
 */
export function resolvePolicy(input: CampaignPolicyInput = {}): CampaignPolicy {
  for (const key of Object.keys(input)) {
    if (!(key in DEFAULT_POLICY)) throw invalid(key, 'is not a policy setting');
  }
  const defined = Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== undefined),
  ) as Partial<CampaignPolicy>;
  const policy: CampaignPolicy = {
    ...DEFAULT_POLICY,
    ...defined,
    retryAfter: checkRetryAfter({ ...DEFAULT_POLICY.retryAfter, ...defined.retryAfter }),
    neverRetry: [...new Set(defined.neverRetry ?? [])].map((outcome) =>
      checkRetryable(outcome, 'neverRetry'),
    ),
    schedule: checkSchedule(defined.schedule ?? DEFAULT_POLICY.schedule, 'schedule'),
  };
  for (const [key, range] of Object.entries(RANGES)) {
    checkNumber(policy[key as keyof typeof RANGES], key, range);
  }
  if (typeof policy.advertising !== 'boolean') throw invalid('advertising', 'is not true or false');
  if (!policy.advertising || policy.minGapMs >= ADVERTISING_MIN_GAP_MS) return policy;
  return { ...policy, minGapMs: ADVERTISING_MIN_GAP_MS };
}

function checkRetryAfter(retryAfter: CampaignPolicy['retryAfter']): CampaignPolicy['retryAfter'] {
  for (const [outcome, delay] of Object.entries(retryAfter)) {
    const path = `retryAfter.${outcome}`;
    checkRetryable(outcome, path);
    checkNumber(delay?.ms, path, { min: 0, max: 30 * DAY, integer: true });
    if (delay?.backoff !== 'linear' && delay?.backoff !== 'exponential') {
      throw invalid(path, `backoff ${JSON.stringify(delay?.backoff)} is not linear or exponential`);
    }
  }
  return retryAfter;
}

function checkRetryable(outcome: string, path: string): RetryableOutcome {
  if (!RETRYABLE_OUTCOMES.includes(outcome as RetryableOutcome)) {
    throw invalid(
      path,
      `${JSON.stringify(outcome)} is not a retryable outcome (${RETRYABLE_OUTCOMES.join(', ')})`,
    );
  }
  return outcome as RetryableOutcome;
}

function checkNumber(
  value: unknown,
  path: string,
  range: { min: number; max: number; integer: boolean },
): void {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value));
  if (!ok) {
    const kind = range.integer ? 'a whole number' : 'a number';
    throw invalid(
      path,
      `${JSON.stringify(value)} is not ${kind} from ${range.min} to ${range.max}`,
    );
  }
}

/** What {@link nextAttempt} decided: when to call again, or why not. */
export type NextAttempt =
  | { readonly retry: true; readonly at: number }
  | {
      readonly retry: false;
      /**
       * `final-outcome`: reached or suppressed, never retried; `not-retried`: the policy does
       * not retry this outcome; `attempts-exhausted`: `maxAttempts` attempts were made.
       */
      readonly why: 'final-outcome' | 'not-retried' | 'attempts-exhausted';
    };

/**
 * Whether a contact is called again after an attempt, and when. One cap for all outcomes:
 * once `attemptsMade` reaches `maxAttempts`, nothing is retried, whatever the outcomes were.
 * The wait is the outcome's delay, doubled for each attempt before this one when exponential
 * (`ms × 2^(attemptsMade − 1)`), and at least `minGapMs`. The calling window is not applied
 * here: the dispatcher waits for it.
 *
 * @param attemptsMade - attempts made at this contact, the one that just ended included
 *   (anything but a number below `maxAttempts`, `NaN` or undefined from a store, counts as
 *   exhausted: a lost count never dials again).
 * @param settledAt - when that attempt ended, ms since the epoch.
 */
export function nextAttempt(
  policy: CampaignPolicy,
  outcome: Outcome,
  attemptsMade: number,
  settledAt: number,
): NextAttempt {
  if (!RETRYABLE_OUTCOMES.includes(outcome as RetryableOutcome)) {
    return { retry: false, why: 'final-outcome' };
  }
  const retryable = outcome as RetryableOutcome;
  const delay = policy.retryAfter[retryable];
  if (delay === undefined || policy.neverRetry.includes(retryable)) {
    return { retry: false, why: 'not-retried' };
  }
  if (!(attemptsMade < policy.maxAttempts)) return { retry: false, why: 'attempts-exhausted' };
  const factor = delay.backoff === 'exponential' ? 2 ** Math.max(0, attemptsMade - 1) : 1;
  return { retry: true, at: settledAt + Math.max(delay.ms * factor, policy.minGapMs) };
}

/**
 * Reads `--retry-after`: comma-separated `outcome=duration[:linear|:exponential]`, e.g.
 * `busy=10m,no-answer=30m:exponential` (linear unless said). The result is merged over the
 * defaults by {@link resolvePolicy}.
 *
 * @throws CampaignError `INVALID_SETTING` (path `--retry-after`) naming the wrong part.
 */
export function parseRetryAfter(spec: string): Partial<Record<RetryableOutcome, RetryDelay>> {
  const path = '--retry-after';
  const delays: Partial<Record<RetryableOutcome, RetryDelay>> = {};
  for (const item of spec.split(',').map((part) => part.trim())) {
    const match = /^([a-z-]+)\s*=\s*([^:]+?)\s*(?::\s*([a-z]+))?$/i.exec(item);
    if (!match) throw invalid(path, `${JSON.stringify(item)} is not outcome=duration[:backoff]`);
    const outcome = checkRetryable((match[1] ?? '').toLowerCase(), path);
    if (delays[outcome] !== undefined) throw invalid(path, `${outcome} is given twice`);
    const backoff = (match[3] ?? 'linear').toLowerCase();
    if (backoff !== 'linear' && backoff !== 'exponential') {
      throw invalid(path, `backoff ${JSON.stringify(match[3])} is not linear or exponential`);
    }
    delays[outcome] = { ms: parseDuration(match[2] ?? '', path), backoff };
  }
  return delays;
}

function invalid(path: string, message: string): CampaignError {
  return new CampaignError('INVALID_SETTING', `${path}: ${message}`, { path });
}
