import type { CampaignEngine, CampaignInfo, CampaignSpec, Contact } from '@psrkit/campaign';
import {
  CampaignError,
  createStreamDialer,
  followCampaignCalls,
  formatSummary,
  openResultsFile,
  type ResultsFile,
  summarise,
} from '@psrkit/campaign';
import type { Logger } from 'pino';
import type { BotSetup } from './bot-setup.js';
import { setUpBot } from './bot-setup.js';
import type { CampaignRunConfig } from './campaign-config.js';
import { campaignSpecOf, openEngine, readCampaignContacts } from './campaign-config.js';
import { createLogger } from './logging.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';

/** Where a run ends: every contact settled, cancelled, or stopped by a signal (resumable). */
export type RunEnd = 'completed' | 'cancelled' | 'stopped';

/** A line on stderr, exit code 2: what a user at the command line gets for any problem. */
export class CampaignRunError extends Error {
  override readonly name = 'CampaignRunError';
}

/**
 * `psrkit-campaign run`: a psrkit server for the calls it places. It stores the campaign
 * (or resumes it), serves the bot, dials through create-stream, writes the results file as
 * attempts end, and returns when every contact is settled (or on SIGTERM/SIGINT: calls under
 * way end first, and the same command resumes).
 */
export async function runCampaign(config: CampaignRunConfig, signal: AbortSignal): Promise<RunEnd> {
  const logger = createLogger(config.server);
  for (const warning of config.server.warnings) logger.warn(warning);
  const contacts = await readCampaignContacts(config, logger);
  const setup = await setUpBotOrFail(config);
  const engine = await openEngine(config);
  let server: ReferenceServer | undefined;
  let results: ResultsFile | undefined;
  try {
    server = await startServer(config, setup, logger, engine);
    const spec = campaignSpecOf(config, server.url);
    const info = await createOrResume(engine, spec, contacts, logger);
    results = await openResultsFile(config.results, engine, spec.id);
    return await dialUntilSettled(config, engine, spec, server, results, logger, signal, info);
  } finally {
    await server?.shutdown();
    await results?.close();
    await engine.close();
    logger.flush();
  }
}

async function setUpBotOrFail(config: CampaignRunConfig): Promise<BotSetup> {
  try {
    const setup = await setUpBot(config.server);
    await setup.module.prepare?.();
    return setup;
  } catch (error) {
    throw new CampaignRunError((error as Error).message, { cause: error });
  }
}

async function startServer(
  config: CampaignRunConfig,
  setup: BotSetup,
  logger: Logger,
  engine: CampaignEngine,
): Promise<ReferenceServer> {
  try {
    return await startReferenceServer(config.server, setup.module.bot, logger, {
      stages: setup.stages,
      ...(setup.module.metrics && { botMetrics: setup.module.metrics }),
      ...(setup.module.tts && { tts: setup.module.tts }),
      // With --admin-tokens: the campaign's page (/campaigns/<id>) and /api/campaigns.
      campaigns: { engine, ...(config.publicUrl && { botUrl: config.publicUrl }) },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CampaignRunError(
      `cannot listen on ${config.server.host}:${config.server.port}: ${code ?? (error as Error).message}`,
      { cause: error },
    );
  }
}

/** A new campaign is stored and started; a stored one gets the file's new contacts and goes on. */
async function createOrResume(
  engine: CampaignEngine,
  spec: CampaignSpec,
  contacts: readonly Contact[],
  logger: Logger,
): Promise<CampaignInfo> {
  const stored = await engine.get(spec.id);
  if (!stored) {
    try {
      await engine.create(spec, contacts);
      logger.info({ campaign_id: spec.id, contacts: contacts.length }, 'campaign created');
      return await engine.start(spec.id);
    } catch (error) {
      // Another process on the same Redis created (or started) it first: join it.
      if (!CampaignError.isInstance(error) || error.code !== 'INVALID_STATE') throw error;
      return createOrResume(engine, spec, contacts, logger);
    }
  }
  const { added } = await engine.addContacts(spec.id, contacts);
  logger.info({ campaign_id: spec.id, state: stored.state, added }, 'campaign resumed');
  if (stored.state === 'draft') return engine.start(spec.id);
  if (stored.state === 'completed' && added > 0)
    logger.warn(
      { campaign_id: spec.id, added },
      'the campaign is completed: new contacts are stored, not dialled',
    );
  return (await engine.get(spec.id)) as CampaignInfo;
}

async function dialUntilSettled(
  config: CampaignRunConfig,
  engine: CampaignEngine,
  spec: CampaignSpec,
  server: ReferenceServer,
  results: ResultsFile,
  logger: Logger,
  signal: AbortSignal,
  info: CampaignInfo,
): Promise<RunEnd> {
  if (info.state === 'completed' || info.state === 'cancelled') return info.state;
  const hooks = followCampaignCalls(engine);
  const report = (what: string) => (error: unknown) => logger.error({ err: error }, what);
  server.psr.on(
    'call-open',
    (call) =>
      void hooks.opened(call).catch(report('campaign: a call could not be recorded as answered')),
  );
  server.psr.on(
    'call-closed',
    (call, end) =>
      void hooks.closed(call, end).catch(report('campaign: a call end could not be recorded')),
  );
  const finished = new Promise<RunEnd>((resolve) => {
    engine.watch((event) => {
      if (
        event.type === 'attempt-changed' &&
        event.campaignId === spec.id &&
        event.attempt.phase === 'ended'
      )
        results.append(event.attempt);
      if (event.type === 'state-changed' && event.campaignId === spec.id) {
        logger.info({ campaign_id: spec.id, state: event.state }, 'campaign state');
        if (event.state === 'completed' || event.state === 'cancelled') resolve(event.state);
      }
    });
    signal.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  const stop = new AbortController();
  const dialer = createStreamDialer({
    baseUrl: config.psrUrl,
    token: config.psrToken,
    botUrl: spec.call.botUrl,
  });
  const running = engine.run(dialer, stop.signal);
  const end = await finished;
  stop.abort();
  await running;
  const done = (await engine.get(spec.id)) as CampaignInfo;
  const attempts = [];
  for await (const attempt of engine.attempts(spec.id)) attempts.push(attempt);
  process.stdout.write(`${formatSummary(summarise(attempts, done.counts.contacts))}\n`);
  return end;
}

/**
 * `psrkit-campaign create`: stores the campaign of a contacts file as a draft, dialling
 * nothing (`start` then marks it to run, and `run` dials it). The URL PSR dials back is
 * `--public-url`, else where `run` would listen.
 */
export async function createCampaign(config: CampaignRunConfig): Promise<CampaignInfo> {
  const logger = createLogger(config.server);
  const contacts = await readCampaignContacts(config, logger);
  const engine = await openEngine(config);
  try {
    const { host, port, path } = config.server;
    const spec = campaignSpecOf(config, `ws://${host}:${port}${path}`);
    return await engine.create(spec, contacts);
  } finally {
    await engine.close();
    logger.flush();
  }
}
