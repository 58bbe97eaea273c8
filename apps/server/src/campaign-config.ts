import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import {
  type CampaignEngine,
  type CampaignSpec,
  type Contact,
  createEmbeddedEngine,
  createRedisEngine,
  normalisePhone,
  parseWindows,
  type RetryableOutcome,
  type RetryDelay,
  readContactsFile,
  resolvePolicy,
} from '@psrkit/campaign';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { CAMPAIGN_SETTINGS, retryAfterOf } from './campaign-settings.js';
import { readSettings, type ServerConfig, serverConfigOf } from './config.js';
import { ConfigError } from './setting-values.js';
import type { Setting } from './settings.js';

/** `psrkit-campaign run`'s configuration: the server's, and the campaign's. */
export interface CampaignRunConfig {
  readonly contactsFile: string;
  readonly server: ServerConfig;
  readonly psrUrl: string;
  readonly psrToken: string;
  readonly publicUrl: string | undefined;
  readonly db: string;
  readonly redisUrl: string | undefined;
  readonly campaignId: string;
  readonly results: string;
  readonly policy: ReturnType<typeof resolvePolicy>;
  readonly doNotCall: string | undefined;
  readonly audioFile: string | undefined;
  readonly channel: 'stereo' | 'mono_a' | 'mono_b';
  readonly skipInvalid: boolean;
  /** `--param`: what every call carries (a later name wins). */
  readonly parameter: Readonly<Record<string, string>>;
}

/**
 * Reads `run`'s configuration from its parsed command (flags) and the environment.
 * @throws {ConfigError} naming the flag or variable
 */
export function campaignRunConfigOf(
  command: Command,
  contactsFile: string,
  env: NodeJS.ProcessEnv,
  isTty: boolean,
  /** `false` for a command that stores the campaign without dialling (no PSR needed). */
  dialling = true,
): CampaignRunConfig {
  const table = CAMPAIGN_SETTINGS as readonly Setting[];
  const { values: v } = readSettings(command, table, env);
  const server = serverConfigOf(command, env, isTty, table);
  if (dialling && !v['psrUrl'])
    throw new ConfigError('--psr-url', "required: PSR's base URL (or PSRKIT_PSR_URL)");
  if (dialling && !v['psrToken'])
    throw new ConfigError('--psr-token', 'required: the create-stream token (or PSRKIT_PSR_TOKEN)');
  const schedule = fromCampaign('--window', () =>
    parseWindows(v['window'] as string, v['timeZone'] as string),
  );
  const policy = fromCampaign('--max-concurrent', () =>
    resolvePolicy({
      maxConcurrent: v['maxConcurrent'] as number,
      callsPerSecond: v['callsPerSecond'] as number,
      maxAttempts: v['maxAttempts'] as number,
      retryAfter: retryAfterOf(
        v['retryAfter'] as Partial<Record<RetryableOutcome, RetryDelay>>[] | undefined,
      ),
      ringTimeoutMs: v['ringTimeoutMs'] as number,
      schedule,
      advertising: v['advertising'] as boolean,
      ...(v['minGapMs'] !== undefined && { minGapMs: v['minGapMs'] as number }),
    }),
  );
  const stem = basename(contactsFile, extname(contactsFile));
  return {
    contactsFile,
    server,
    psrUrl: (v['psrUrl'] as string | undefined) ?? '',
    psrToken: (v['psrToken'] as string | undefined) ?? '',
    publicUrl: v['publicUrl'] as string | undefined,
    db: v['db'] as string,
    redisUrl: v['redisUrl'] as string | undefined,
    campaignId:
      (v['campaignId'] as string | undefined) ??
      (stem
        .replace(/[^A-Za-z0-9_.-]/g, '-')
        .replace(/^[^A-Za-z0-9]+/, '')
        .slice(0, 64) ||
        'campaign'),
    results:
      (v['results'] as string | undefined) ??
      `${contactsFile.slice(0, -extname(contactsFile).length || undefined)}.results.csv`,
    policy,
    doNotCall: v['doNotCall'] as string | undefined,
    audioFile: v['audioFile'] as string | undefined,
    channel: v['channel'] as CampaignRunConfig['channel'],
    skipInvalid: v['skipInvalid'] as boolean,
    parameter: Object.fromEntries((v['params'] as [string, string][] | undefined) ?? []),
  };
}

/** The flag of each policy field, for errors. */
const POLICY_FLAGS: Readonly<Record<string, string>> = {
  maxConcurrent: '--max-concurrent',
  callsPerSecond: '--calls-per-second',
  maxAttempts: '--max-attempts',
  retryAfter: '--retry-after',
  ringTimeoutMs: '--ring-timeout',
  minGapMs: '--min-gap',
  schedule: '--window',
};

function fromCampaign<T>(name: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    const path = (error as { path?: string }).path ?? '';
    const flag = path.startsWith('--') ? path : POLICY_FLAGS[path.split('.')[0] ?? ''];
    throw new ConfigError(flag ?? name, (error as Error).message);
  }
}

/** The campaign as stored: its policy, and how its calls are placed. */
export function campaignSpecOf(config: CampaignRunConfig, listening: string): CampaignSpec {
  return {
    id: config.campaignId,
    policy: config.policy,
    call: {
      botUrl: config.publicUrl ?? listening,
      app: 'bot',
      channel: config.channel,
      isSilence: config.audioFile === undefined,
      ...(config.audioFile !== undefined && { audioFile: config.audioFile }),
      ...(Object.keys(config.parameter).length > 0 && { parameter: config.parameter }),
    },
  };
}

/**
 * The contacts file, read whole; each bad row is a line on stderr. Bad rows stop the run
 * (nothing is stored) unless `--skip-invalid`; the do-not-call file's numbers are stored
 * with them.
 * @throws {CampaignRunProblems} listing every problem, one line each
 */
export async function readCampaignContacts(
  config: CampaignRunConfig,
  logger: Logger,
): Promise<readonly Contact[]> {
  const read = await readContactsFile(config.contactsFile);
  const lines = read.problems.map(
    (p) => `${config.contactsFile}:${p.line}${p.column ? ` (${p.column})` : ''}: ${p.message}`,
  );
  if (lines.length > 0 && !config.skipInvalid) throw new CampaignRunProblems(lines);
  for (const line of lines) process.stderr.write(`psrkit-campaign: skipped ${line}\n`);
  for (const d of read.duplicates)
    logger.warn({ phone: d.phone, lines: d.lines }, 'duplicate contacts merged into the first');
  if (read.contacts.length === 0)
    throw new CampaignRunProblems([`${config.contactsFile}: no contact to call`]);
  return read.contacts;
}

/** Problems with the input, one line each (the command prints them and exits 2). */
export class CampaignRunProblems extends Error {
  override readonly name = 'CampaignRunProblems';
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
  }
}

/** The do-not-call file: one number per line (`#` comments); bad lines are problems. */
export async function readDoNotCall(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new CampaignRunProblems([`--do-not-call: cannot read ${file}: ${error.message}`]);
  });
  const phones: string[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const phone = normalisePhone(line);
    if (phone.ok) phones.push(phone.phone);
    else problems.push(`${file}:${i + 1}: ${phone.reason}`);
  });
  if (problems.length > 0) throw new CampaignRunProblems(problems);
  return phones;
}

/** The engine: BullMQ over Redis with `--redis-url`, else the embedded one at `--db`. */
export async function openEngine(
  config: Pick<CampaignRunConfig, 'redisUrl' | 'db' | 'doNotCall'>,
): Promise<CampaignEngine> {
  const doNotCall = config.doNotCall ? await readDoNotCall(config.doNotCall) : [];
  const engine = config.redisUrl
    ? await createRedisEngine({ url: config.redisUrl })
    : createEmbeddedEngine({ path: config.db });
  if (doNotCall.length > 0) await engine.suppress(doNotCall);
  return engine;
}
