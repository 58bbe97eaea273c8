import {
  CampaignError,
  DEFAULT_POLICY,
  FIELD_LIMITS,
  parseDuration,
  parseRetryAfter,
  RESERVED_FIELD_NAMES,
  type RetryableOutcome,
  type RetryDelay,
} from '@psrkit/campaign';
import { ConfigError, integer, oneOf, type Parse, text } from './setting-values.js';
import type { Setting } from './settings.js';

/** A campaign parser's `CampaignError` as the one error a setting gets. */
const fromCampaign =
  <T>(parse: (value: string) => T): Parse<T> =>
  (value, name) => {
    try {
      return parse(value);
    } catch (error) {
      if (CampaignError.isInstance(error)) throw new ConfigError(name, error.message);
      throw error;
    }
  };

const positive: Parse<number> = (value, name) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.001 || n > 100)
    throw new ConfigError(name, `must be a number from 0.001 to 100, got ${JSON.stringify(value)}`);
  return n;
};

const url =
  (schemes: readonly string[]): Parse<string> =>
  (value, name) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ConfigError(name, `not a URL: ${JSON.stringify(value.slice(0, 120))}`);
    }
    if (!schemes.includes(parsed.protocol))
      throw new ConfigError(name, `must be a ${schemes.join(' or ')} URL, got ${parsed.protocol}`);
    return value;
  };

/**
 * Parameters every call carries, `name=value` (`;` between several): names as contacts'
 * fields (not the ids the campaign gives each call), values as bounded.
 */
const callParameters: Parse<[string, string][]> = (value, name) =>
  value
    .split(';')
    .filter((item) => item.trim())
    .map((item) => {
      const at = item.indexOf('=');
      const key = item.slice(0, Math.max(0, at)).trim();
      const text = item.slice(at + 1).trim();
      if (at < 0 || !FIELD_LIMITS.namePattern.test(key) || RESERVED_FIELD_NAMES.includes(key))
        throw new ConfigError(
          name,
          `must be name=value with a name of ${FIELD_LIMITS.namePattern.source} that is not ${RESERVED_FIELD_NAMES.join(', ')}, got ${JSON.stringify(item.trim().slice(0, 60))}`,
        );
      if (text.length > FIELD_LIMITS.maxValueLength)
        throw new ConfigError(
          name,
          `${key}: a value of at most ${FIELD_LIMITS.maxValueLength} characters`,
        );
      return [key, text];
    });

/** A switch: the flag alone, or the variable `true`/`false`. */
const yesNo: Parse<boolean> = (value, name) => oneOf(['true', 'false'])(value, name) === 'true';

const setting = <T>(s: Setting<T>): Setting<T> => s;
const minutes = (ms: number) => `${ms / 60_000} min`;

/** `psrkit-campaign run`'s own settings (beside every setting of `psrkit-server`). */
export const CAMPAIGN_SETTINGS = [
  setting({
    key: 'psrUrl',
    flag: '--psr-url <url>',
    env: 'PSRKIT_PSR_URL',
    parse: url(['http:', 'https:']),
    description: "PSR's base URL: create-stream is `POST <url>/psr/v1/call/stream`",
  }),
  setting({
    key: 'psrToken',
    flag: '--psr-token <token>',
    env: 'PSRKIT_PSR_TOKEN',
    parse: text,
    secret: true,
    description:
      "create-stream's bearer token (never stored with the campaign). Prefer the variable",
  }),
  setting({
    key: 'publicUrl',
    flag: '--public-url <url>',
    env: 'PSRKIT_PUBLIC_URL',
    parse: url(['ws:', 'wss:']),
    defaultText: 'where it listens',
    description: 'the ws:// or wss:// URL PSR dials back (the `url` given to create-stream)',
  }),
  setting({
    key: 'db',
    flag: '--db <path>',
    env: 'PSRKIT_CAMPAIGN_DB',
    parse: text,
    default: 'campaign.db',
    description:
      'the embedded engine’s database file; the same command again resumes the campaign in it',
  }),
  setting({
    key: 'redisUrl',
    flag: '--redis-url <url>',
    env: 'PSRKIT_REDIS_URL',
    parse: url(['redis:', 'rediss:']),
    secret: true,
    defaultText: 'none (the embedded engine)',
    description:
      'run the campaign on BullMQ over this Redis: several processes share it and its limits',
  }),
  setting({
    key: 'campaignId',
    flag: '--campaign-id <id>',
    env: 'PSRKIT_CAMPAIGN_ID',
    parse: text,
    defaultText: "the contacts file's name",
    description: 'the campaign’s id (every call carries it as campaign_id)',
  }),
  setting({
    key: 'results',
    flag: '--results <file.csv>',
    env: 'PSRKIT_RESULTS',
    parse: text,
    defaultText: 'the contacts file with .results.csv',
    description:
      'one row per attempt, written as the campaign goes (a .jsonl name writes JSON Lines)',
  }),
  setting({
    key: 'maxConcurrent',
    flag: '--max-concurrent <n>',
    env: 'PSRKIT_MAX_CONCURRENT',
    parse: integer(1, 1000),
    default: DEFAULT_POLICY.maxConcurrent,
    description: 'calls in flight at once, at most',
  }),
  setting({
    key: 'callsPerSecond',
    flag: '--calls-per-second <rate>',
    env: 'PSRKIT_CALLS_PER_SECOND',
    parse: positive,
    default: DEFAULT_POLICY.callsPerSecond,
    description: 'new calls per second, at most (0.1 = one every 10 s); never in bursts',
  }),
  setting({
    key: 'maxAttempts',
    flag: '--max-attempts <n>',
    env: 'PSRKIT_MAX_ATTEMPTS',
    parse: integer(1, 20),
    default: DEFAULT_POLICY.maxAttempts,
    description: 'attempts per contact, all outcomes together',
  }),
  setting({
    key: 'retryAfter',
    flag: '--retry-after <outcome=duration>',
    env: 'PSRKIT_RETRY_AFTER',
    parse: fromCampaign((value) => [parseRetryAfter(value)]),
    repeatable: true,
    defaultText: Object.entries(DEFAULT_POLICY.retryAfter)
      .map(([outcome, delay]) => `${outcome}=${minutes((delay as RetryDelay).ms)}`)
      .join(', '),
    description:
      'the wait before retrying after an outcome (busy, no-answer, unreachable, failed, voicemail, unknown), e.g. busy=10m or no-answer=30m:exponential; repeatable',
  }),
  setting({
    key: 'ringTimeoutMs',
    flag: '--ring-timeout <seconds>',
    env: 'PSRKIT_RING_TIMEOUT',
    parse: (value, name) => integer(1, 600)(value, name) * 1000,
    default: DEFAULT_POLICY.ringTimeoutMs,
    defaultText: String(DEFAULT_POLICY.ringTimeoutMs / 1000),
    description: 'no call within this long after the dial: no-answer',
  }),
  setting({
    key: 'window',
    flag: '--window <HH:MM-HH:MM,…>',
    env: 'PSRKIT_WINDOW',
    parse: text,
    default: '08:00-17:00',
    description:
      'when calls may start, in --time-zone (00:00-24:00: always; days as mon-fri@08:00-17:00). The default is Decree 91/2020/ND-CP’s hours for advertising calls',
  }),
  setting({
    key: 'timeZone',
    flag: '--time-zone <zone>',
    env: 'PSRKIT_TIME_ZONE',
    parse: text,
    default: 'Asia/Ho_Chi_Minh',
    description: 'IANA time zone of --window',
  }),
  setting({
    key: 'minGapMs',
    flag: '--min-gap <duration>',
    env: 'PSRKIT_MIN_GAP',
    parse: fromCampaign(parseDuration),
    defaultText: '0, or 24h with --advertising',
    description: 'no two calls to one number closer than this, across the campaigns of one store',
  }),
  setting({
    key: 'advertising',
    flag: '--advertising',
    env: 'PSRKIT_ADVERTISING',
    parse: yesNo,
    default: false,
    description:
      'an advertising campaign: at most one call per number per 24 h (Decree 91/2020/ND-CP)',
  }),
  setting({
    key: 'doNotCall',
    flag: '--do-not-call <file>',
    env: 'PSRKIT_DO_NOT_CALL',
    parse: text,
    description: 'numbers never to call, one per line (checked right before each dial)',
  }),
  setting({
    key: 'audioFile',
    flag: '--audio-file <file.wav>',
    env: 'PSRKIT_AUDIO_FILE',
    parse: text,
    description:
      "a WAV PSR plays to the contact once they answer (create-stream's audio_file); none: silence",
  }),
  setting({
    key: 'params',
    flag: '--param <name=value>',
    env: 'PSRKIT_CALL_PARAMS',
    parse: callParameters,
    repeatable: true,
    description:
      "a parameter every call of a new campaign carries (create-stream's parameter, beside the contact's fields), e.g. detect_answer=hold; repeatable (`;` between several in the variable)",
  }),
  setting({
    key: 'channel',
    flag: '--channel <layout>',
    env: 'PSRKIT_CHANNEL',
    parse: oneOf(['stereo', 'mono_a', 'mono_b']),
    default: 'mono_b',
    description: "the calls' channel layout (mono_b: only the contact's side)",
  }),
  setting({
    key: 'skipInvalid',
    flag: '--skip-invalid',
    env: 'PSRKIT_SKIP_INVALID',
    parse: yesNo,
    default: false,
    description: 'run the valid contacts of a file with bad rows (each bad row is still printed)',
  }),
] as const;

/** The retry waits of `--retry-after`, over the defaults. */
export function retryAfterOf(
  given: readonly Partial<Record<RetryableOutcome, RetryDelay>>[] | undefined,
): Partial<Record<RetryableOutcome, RetryDelay>> {
  return Object.assign({}, DEFAULT_POLICY.retryAfter, ...(given ?? []));
}
