import {
  CampaignError,
  type CampaignPolicy,
  type CampaignPolicyInput,
  DEFAULT_SCHEDULE,
  parseDuration,
  parseRetryAfter,
  parseWindows,
  resolvePolicy,
} from '@psrkit/campaign';

/**
 * A campaign's policy from a request's `policy` object: {@link resolvePolicy}'s settings,
 * with friendlier forms for JSON written by hand — `schedule` as window text
 * (`"mon-fri@08:00-17:00"`, in `Asia/Ho_Chi_Minh`) or `{ "windows": "…", "timeZone": "…" }`;
 * `retryAfter` as `--retry-after` text (`"busy=10m,no-answer=30m:exponential"`) or per
 * outcome (`{ "busy": "10m" }`, or resolvePolicy's `{ "ms", "backoff" }`); `minGapMs` and
 * `ringTimeoutMs` as milliseconds or duration text (`"45s"`).
 * @throws {CampaignError} `INVALID_SETTING` whose `path` starts `policy.`
 */
export function policyOfBody(value: unknown): CampaignPolicy {
  if (value === undefined) return resolvePolicy();
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CampaignError('INVALID_SETTING', 'give the policy as a JSON object', {
      path: 'policy',
    });
  const input = { ...(value as Record<string, unknown>) };
  const read = (key: string, parse: (value: unknown) => unknown) => {
    if (input[key] !== undefined) input[key] = underPolicy(key, () => parse(input[key]));
  };
  read('schedule', scheduleOf);
  read('retryAfter', retryAfterOf);
  for (const key of ['minGapMs', 'ringTimeoutMs'])
    read(key, (given) => (typeof given === 'string' ? parseDuration(given, key) : given));
  return underPolicy('', () => resolvePolicy(input as CampaignPolicyInput));
}

/** Runs `read`; a `CampaignError` it throws is said of `policy.<key>` (or its own path). */
function underPolicy<T>(key: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!CampaignError.isInstance(error)) throw error;
    const path = `policy.${key || error.path || ''}`.replace(/\.$/, '');
    throw new CampaignError('INVALID_SETTING', error.message, { path, cause: error });
  }
}

function scheduleOf(value: unknown): unknown {
  if (typeof value === 'string') return parseWindows(value, DEFAULT_SCHEDULE.timeZone);
  const given = value as { windows?: unknown; timeZone?: unknown } | null;
  if (typeof given?.windows !== 'string') return value; // resolvePolicy checks it
  const zone = typeof given.timeZone === 'string' ? given.timeZone : DEFAULT_SCHEDULE.timeZone;
  return parseWindows(given.windows, zone);
}

function retryAfterOf(value: unknown): unknown {
  if (typeof value === 'string') return parseRetryAfter(value);
  if (typeof value !== 'object' || value === null) return value;
  const delays: Record<string, unknown> = {};
  for (const [outcome, delay] of Object.entries(value))
    delays[outcome] =
      typeof delay === 'string' ? Object.values(parseRetryAfter(`${outcome}=${delay}`))[0] : delay;
  return delays;
}
