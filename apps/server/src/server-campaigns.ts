import { type CampaignEngine, createStreamDialer, followCampaignCalls } from '@psrkit/campaign';
import type { Logger } from 'pino';
import { openEngine } from './campaign-config.js';
import type { ReferenceServer, ServerCampaigns } from './reference-server.js';
import type { ServerCampaignConfig } from './server-campaign-config.js';

/** `psrkit-server`'s own campaigns: the store opened, then dialled and followed beside the server. */
export interface ServerCampaignRun {
  /** What `startReferenceServer` takes to show them (`extras.campaigns`). */
  readonly campaigns: ServerCampaigns;
  /** Follows the server's calls of campaigns and dials due contacts, until `stopDialling`. */
  start(server: ReferenceServer): void;
  /** No new dials; calls under way go on (the server's drain ends them, and they are recorded). */
  stopDialling(): Promise<void>;
  /** Closes the store: after the server has drained. */
  close(): Promise<void>;
}

/**
 * Opens the campaigns' store (`--campaign-db` or `--redis-url`) for `psrkit-server`.
 * @throws {CampaignError} `STORE_ERROR` when the file is held by another live process
 */
export async function openServerCampaigns(
  config: ServerCampaignConfig,
  logger: Logger,
): Promise<ServerCampaignRun> {
  const engine = await openEngine({
    db: config.db ?? '',
    redisUrl: config.redisUrl,
    doNotCall: undefined,
  });
  const stop = new AbortController();
  let dialling: Promise<void> | undefined;
  return {
    campaigns: { engine, ...(config.publicUrl && { botUrl: config.publicUrl }) },
    start(server) {
      follow(engine, server, logger);
      const dialer = createStreamDialer({ baseUrl: config.psrUrl, token: config.psrToken });
      dialling = engine.run(dialer, stop.signal).catch((error: unknown) => {
        logger.error({ err: error }, 'campaigns: the dialler stopped');
      });
      logger.info({ store: config.db ?? 'redis', psr: config.psrUrl }, 'campaigns: dialling');
    },
    async stopDialling() {
      stop.abort();
      await dialling;
    },
    close: () => engine.close(),
  };
}

/** Tells the engine of every call of a campaign that opens or ends on this server. */
function follow(engine: CampaignEngine, server: ReferenceServer, logger: Logger): void {
  const hooks = followCampaignCalls(engine);
  const report = (what: string) => (error: unknown) => logger.error({ err: error }, what);
  server.psr.on('call-open', (call) => {
    hooks.opened(call).catch(report('campaigns: a call could not be recorded as answered'));
  });
  server.psr.on('call-closed', (call, end) => {
    hooks.closed(call, end).catch(report('campaigns: a call end could not be recorded'));
  });
}
