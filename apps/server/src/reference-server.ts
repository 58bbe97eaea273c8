import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import type { CampaignEngine } from '@psrkit/campaign';
import type { AnyTextToSpeech } from '@psrkit/pipeline';
import type { Bot, BotMeter, Call, CallStages, PsrServer } from '@psrkit/transport';
import type { Logger } from 'pino';
import { adminRoutes } from './admin-routes.js';
import type { CallDirectory } from './call-directory.js';
import { createCallServer } from './call-server.js';
import { CAMPAIGN_SETTINGS } from './campaign-settings.js';
import { campaignRoutes } from './campaigns-routes.js';
import type { ServerConfig } from './config.js';
import { callUrl, createListener, listen } from './http-listener.js';
import { healthRoutes } from './http-routes.js';
import { publishCalls } from './live-calls.js';
import { createServerMetrics, type ServerMetrics } from './metrics.js';
import { drainCalls } from './node-drain.js';
import {
  createNodeStatus,
  type LoadThresholds,
  type NodeLoad,
  type NodeStatus,
  type SiblingLoads,
} from './node-load.js';
import { recordCalls } from './recording.js';
import { openCallDirectory } from './server-directory.js';
import { warmUp } from './warm-up.js';

/** How {@link ReferenceServer.shutdown} drains. */
export interface ShutdownOptions {
  /**
   * New calls are still accepted this long (readiness is off at once), ms; default 0. The
   * drain timeout counts from the shutdown, this grace included.
   */
  readonly graceMs?: number;
  /** Ends the grace early (SIGINT after SIGTERM). */
  readonly endGrace?: AbortSignal;
}

export interface ReferenceServer {
  readonly psr: PsrServer;
  readonly http: Server;
  readonly metrics: ServerMetrics;
  /** `ws://host:port/path` (`wss://` with TLS). */
  readonly url: string;
  readonly address: AddressInfo;
  /** The node's load and whether it is ready for calls: what `/readyz` answers. */
  load(): NodeLoad;
  /**
   * Graceful shutdown: not ready at once; new calls accepted for the grace, then refused;
   * live calls drain up to the drain timeout, then end.
   */
  shutdown(options?: ShutdownOptions): Promise<void>;
}

/** What else the server runs with, beside its configuration and bot. */
export interface ReferenceServerExtras {
  /** Audio stages every call runs (`--inbound-stage`, `--outbound-stage`). */
  readonly stages?: CallStages;
  /** The bot module's histograms, created once on the server's meter. */
  readonly botMetrics?: (meter: BotMeter) => void;
  /** The TTS the `say` call command speaks with (the bot module's `tts`). */
  readonly tts?: () => AnyTextToSpeech | undefined;
  /**
   * Where live calls are listed and commands routed: by default the one every node shares
   * on Redis with `--redis-url`, else (with admin tokens) this process's own; under
   * `--workers` without Redis, the one shared through the primary.
   */
  readonly directory?: CallDirectory;
  /** Campaigns to show and control over HTTP (`/campaigns`, `/api/campaigns`), with admin tokens. */
  readonly campaigns?: ServerCampaigns;
  /** Under `--workers`: the other workers' load, so that readiness judges the whole node. */
  readonly siblings?: SiblingLoads;
}

/**
 * The campaigns a server shows and controls: its engine (whoever dials and follows the
 * calls — `psrkit-campaign run`, or `psrkit-server --campaign-db` — does so beside it).
 */
export interface ServerCampaigns {
  readonly engine: CampaignEngine;
  /**
   * The URL PSR dials back for a campaign created over HTTP that names none (`call.botUrl`):
   * by default the server's own `url`; set it when PSR reaches the server elsewhere.
   */
  readonly botUrl?: string;
}

/** The channel layout of a campaign's calls that names none: `psrkit-campaign run`'s `--channel`. */
const CAMPAIGN_CHANNEL = CAMPAIGN_SETTINGS.find((s) => s.key === 'channel')?.default as
  | 'stereo'
  | 'mono_a'
  | 'mono_b';

/** The readiness thresholds of `--ready-max-*`. */
export function thresholdsOf(config: ServerConfig): LoadThresholds {
  return {
    maxCpu: config.readyMaxCpu,
    maxEventLoopLagMs: config.readyMaxLagMs,
    ...(config.readyMaxCalls !== undefined && { maxCalls: config.readyMaxCalls }),
  };
}

/**
 * The live calls pages, `/api/calls` and call control (with the campaigns' pages when
 * there are campaigns), with admin tokens: answers a request it serves and resolves true,
 * else false. None without admin tokens.
 */
async function operatorRoutes(
  config: ServerConfig,
  directory: CallDirectory | undefined,
  extras: ReferenceServerExtras,
  context: { logger: Logger; metrics: ServerMetrics; url: () => string },
) {
  if (!directory || config.adminTokens.length === 0) return undefined;
  const { logger, metrics } = context;
  const campaigns = extras.campaigns
    ? await campaignRoutes({
        engine: extras.campaigns.engine,
        directory,
        logger,
        count: metrics.countAdminRequest,
        callDefaults: () => ({
          botUrl: extras.campaigns?.botUrl ?? context.url(),
          channel: CAMPAIGN_CHANNEL,
        }),
      })
    : undefined;
  return adminRoutes({
    directory,
    tokens: config.adminTokens,
    logger,
    count: metrics.countAdminRequest,
    ...(config.recordings && { recordings: config.recordings }),
    ...(campaigns && { campaigns }),
  });
}

/**
 * Where the server lists its calls (see `openCallDirectory`; its node's record says where
 * it listens and its load) and, with admin tokens, the operator routes on it.
 */
async function callDirectory(
  config: ServerConfig,
  extras: ReferenceServerExtras,
  context: { logger: Logger; metrics: ServerMetrics; status: NodeStatus; url: () => string },
) {
  const { logger, metrics, status, url } = context;
  const directory = openCallDirectory(config, extras.directory, {
    logger,
    metrics,
    report: () => ({ ...(url() && { url: url() }), load: status.load() }),
  });
  const admin = await operatorRoutes(config, directory, extras, { logger, metrics, url });
  return { directory, admin };
}

/** With `--recordings`: each call's stereo WAV (its file name published to the directory). */
async function startRecordings(
  config: ServerConfig,
  psr: PsrServer,
  metrics: ServerMetrics,
  published: ReturnType<typeof publishCalls> | undefined,
  logger: Logger,
) {
  if (!config.recordings) return undefined;
  await mkdir(config.recordings, { recursive: true });
  return recordCalls(
    psr,
    {
      dir: config.recordings,
      maxBytes: config.recordingMaxMb * 1024 * 1024,
      onOutcome: metrics.countRecording,
      ...(published && {
        onFinished: (call: Call, file: string) => published.recorded(call, basename(file)),
      }),
    },
    logger,
  );
}

/** Runs every hot path once (readiness waits for it), then says the node serves. */
async function warmUpNode(
  config: ServerConfig,
  parts: Pick<Awaited<ReturnType<typeof createCallServer>>, 'psr' | 'mp3Backend'>,
  status: NodeStatus,
  logger: Logger,
): Promise<void> {
  const warmUpMs = await warmUp({
    mp3Backend: parts.mp3Backend,
    format: config.chunkFormat,
    bitrateKbps: config.bitrateKbps,
    framesPerChunk: config.framesPerChunk,
    work: parts.psr.work,
  });
  if (status.phase === 'warming-up') status.enter('serving');
  logger.info({ warm_up_ms: Math.round(warmUpMs) }, 'warm: ready for calls');
}

/** The parts of a running server its shutdown stops, in order. */
interface RunningNode {
  readonly config: ServerConfig;
  readonly psr: PsrServer;
  readonly http: Server;
  readonly status: NodeStatus;
  readonly recordings: Awaited<ReturnType<typeof startRecordings>>;
  readonly published: ReturnType<typeof publishCalls> | undefined;
  readonly directory: CallDirectory | undefined;
  readonly logger: Logger;
}

/** Not ready at once; the calls drain (see `drainCalls`); recordings finish; the port closes. */
async function stopNode(node: RunningNode, options: ShutdownOptions): Promise<void> {
  const { config, psr, logger } = node;
  node.status.enter('draining');
  const graceMs = options.graceMs ?? 0;
  logger.info(
    {
      active_calls: psr.activeCalls,
      drain_grace_ms: graceMs,
      drain_timeout_ms: config.drainTimeoutMs,
    },
    'shutting down',
  );
  await drainCalls(
    psr,
    {
      graceMs,
      drainTimeoutMs: config.drainTimeoutMs,
      ...(options.endGrace && { endGrace: options.endGrace }),
    },
    logger,
  );
  // Every ended call's recording finished under its name before the process goes.
  await node.recordings?.settled();
  node.published?.close();
  await node.directory?.close();
  node.status.stop();
  await new Promise<void>((resolve) => {
    node.http.close(() => resolve());
    node.http.closeAllConnections();
  });
  logger.info('stopped');
}

/**
 * Starts the reference server: the bot on PSR calls, with health, readiness and metrics on
 * the same port, and — with admin tokens — the live calls pages and call control.
 * @throws {ConfigError} when a `--tls-*` file cannot be read or used
 */
export async function startReferenceServer(
  config: ServerConfig,
  bot: Bot,
  logger: Logger,
  extras: ReferenceServerExtras = {},
): Promise<ReferenceServer> {
  const metrics = createServerMetrics();
  extras.botMetrics?.(metrics.meter);
  let psr: PsrServer | undefined;
  const status = createNodeStatus({
    calls: () => psr?.activeCalls ?? 0,
    thresholds: thresholdsOf(config),
    ...(extras.siblings && { siblings: extras.siblings }),
  });
  const health = healthRoutes(status.load, metrics.registry, config.metricsToken);
  let url = ''; // once it listens
  const { directory, admin } = await callDirectory(config, extras, {
    logger,
    metrics,
    status,
    url: () => url,
  });
  const routes = async (req: IncomingMessage, res: ServerResponse) => {
    if (!(await admin?.(req, res))) await health(req, res);
  };
  let http: Server;
  try {
    http = await createListener(
      config,
      (req, res) => {
        routes(req, res).catch((error: unknown) => {
          logger.error({ err: error }, 'http route failed');
          if (!res.headersSent) res.writeHead(500).end();
        });
      },
      metrics,
      logger,
    );
  } catch (error) {
    status.stop();
    await directory?.close();
    throw error;
  }
  const parts = await createCallServer(config, http, bot, extras.stages ?? {}, metrics, logger);
  psr = parts.psr;
  const published = directory
    ? publishCalls(psr, directory, { tts: extras.tts ?? (() => undefined) })
    : undefined;
  const recordings = await startRecordings(config, psr, metrics, published, logger);
  const address = await listen(http, config.port, config.host);
  url = callUrl(address, config.path, config.tlsCert !== undefined);
  logger.info({ url, bot: config.bot }, 'listening'); // every line carries the pid
  // Not ready until every hot path has run once: the first calls see no cold start.
  await warmUpNode(config, parts, status, logger);

  const running = {
    config,
    psr: parts.psr,
    http,
    status,
    recordings,
    published,
    directory,
    logger,
  };
  let stopping: Promise<void> | undefined;
  return {
    psr: parts.psr,
    http,
    metrics,
    url,
    address,
    load: status.load,
    shutdown(options = {}) {
      stopping ??= stopNode(running, options);
      return stopping;
    },
  };
}
