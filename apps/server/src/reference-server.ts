import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import type { CampaignEngine } from '@psrkit/campaign';
import { lameJsBackend, type TextToSpeech } from '@psrkit/pipeline';
import { createWasmMp3Backend } from '@psrkit/plugin-mp3-wasm';
import {
  type AuthHook,
  allOf,
  type Bot,
  type BotMeter,
  type Call,
  type CallStages,
  createPsrServer,
  type PsrServer,
  tenantAllowList,
  tokenAuth,
} from '@psrkit/transport';
import type { Logger } from 'pino';
import { adminRoutes } from './admin-routes.js';
import { type CallDirectory, createLocalDirectory } from './call-directory.js';
import { CAMPAIGN_SETTINGS } from './campaign-settings.js';
import { campaignRoutes } from './campaigns-routes.js';
import type { ServerConfig } from './config.js';
import { limitConnections } from './connection-limits.js';
import { healthRoutes } from './http-routes.js';
import { publishCalls } from './live-calls.js';
import { createServerMetrics, type ServerMetrics } from './metrics.js';
import { recordCalls } from './recording.js';
import { warmUp } from './warm-up.js';

export interface ReferenceServer {
  readonly psr: PsrServer;
  readonly http: Server;
  readonly metrics: ServerMetrics;
  /** `ws://host:port/path`. */
  readonly url: string;
  readonly address: AddressInfo;
  /** Graceful shutdown: not ready at once, new calls refused, live calls drain up to the timeout, then end. */
  shutdown(): Promise<void>;
}

/** What else the server runs with, beside its configuration and bot. */
export interface ReferenceServerExtras {
  /** Audio stages every call runs (`--inbound-stage`, `--outbound-stage`). */
  readonly stages?: CallStages;
  /** The bot module's histograms, created once on the server's meter. */
  readonly botMetrics?: (meter: BotMeter) => void;
  /** The TTS the `say` call command speaks with (the bot module's `tts`). */
  readonly tts?: () => TextToSpeech | undefined;
  /**
   * Where live calls are listed and commands routed, when admin tokens are set: this
   * process's own by default; under `--workers`, the one shared through the primary.
   */
  readonly directory?: CallDirectory;
  /** Campaigns to show and control over HTTP (`/campaigns`, `/api/campaigns`), with admin tokens. */
  readonly campaigns?: ServerCampaigns;
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

/**
 * Starts the reference server: the bot on PSR calls, with health, readiness and metrics on
 * the same port, and — with admin tokens — the live calls pages and call control.
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
  let warm = false;
  const health = healthRoutes(
    () => psr,
    metrics.registry,
    () => warm,
    config.metricsToken,
  );
  const directory =
    config.adminTokens.length > 0 ? (extras.directory ?? createLocalDirectory()) : undefined;
  let url = ''; // once it listens
  const campaigns =
    directory && extras.campaigns
      ? await campaignRoutes({
          engine: extras.campaigns.engine,
          directory,
          logger,
          count: metrics.countAdminRequest,
          callDefaults: () => ({
            botUrl: extras.campaigns?.botUrl ?? url,
            channel: CAMPAIGN_CHANNEL,
          }),
        })
      : undefined;
  const admin = directory
    ? await adminRoutes({
        directory,
        tokens: config.adminTokens,
        logger,
        count: metrics.countAdminRequest,
        ...(config.recordings && { recordings: config.recordings }),
        ...(campaigns && { campaigns }),
      })
    : undefined;
  const routes = async (req: IncomingMessage, res: ServerResponse) => {
    if (!(await admin?.(req, res))) await health(req, res);
  };
  // Slow or half-open requests (and upgrades) are cut: headers must arrive within the timeout.
  const http = createServer(
    {
      headersTimeout: config.handshakeTimeoutMs,
      requestTimeout: config.handshakeTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.handshakeTimeoutMs),
    },
    (req, res) => {
      routes(req, res).catch((error: unknown) => {
        logger.error({ err: error }, 'http route failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    },
  );
  // Once a second per address and reason: a flood of refusals is counted, not logged line by line.
  const lastLogged = new Map<string, number>();
  limitConnections(
    http,
    {
      maxConnections: config.maxConnections,
      maxPerAddress: config.maxConnectionsPerAddress,
      maxNewPerSecond: config.maxNewConnectionsPerSecond,
    },
    (reason, address) => {
      metrics.countRefusedConnection(reason);
      const key = `${reason} ${address}`;
      if (Date.now() - (lastLogged.get(key) ?? 0) < 1000) return;
      if (lastLogged.size > 10_000) lastLogged.clear();
      lastLogged.set(key, Date.now());
      logger.warn({ reason, address }, 'connection refused by a cap');
    },
  );
  const hooks: AuthHook[] = [];
  if (config.tokens.length > 0) hooks.push(tokenAuth({ tokens: config.tokens }));
  if (config.tenants.length > 0) hooks.push(tenantAllowList(config.tenants));
  if (hooks.length === 0) logger.warn('no --tokens: any client can place calls');
  const wasmBackend = config.mp3Encoder === 'wasm' ? await createWasmMp3Backend() : undefined;
  if (wasmBackend) metrics.watchWasmEncoder(() => wasmBackend.stats);
  const mp3Backend = wasmBackend ?? lameJsBackend;
  psr = createPsrServer({
    bot,
    server: http,
    path: config.path,
    ...(hooks.length > 0 && { authenticate: allOf(...hooks) }),
    duplicateCallId: config.duplicateCallId,
    maxFrameBytes: config.maxPayloadBytes,
    heartbeatIntervalMs: config.heartbeatMs,
    logger,
    call: {
      onBotError: config.onBotError,
      stages: extras.stages ?? {},
      remoteSide: config.remoteSide,
      maxAudioAheadMs: config.maxAudioAheadMs,
      maxMediaFrameMs: config.maxMediaFrameMs,
      playout: {
        leadMs: config.leadMs,
        format: config.chunkFormat,
        bitrateKbps: config.bitrateKbps,
        framesPerChunk: config.framesPerChunk,
        mp3Backend: metrics.timedMp3(mp3Backend),
        onPacingLag: metrics.observePacingLag,
        onTiming: metrics.observeTiming,
        encodeAhead: config.encodeAhead,
      },
    },
  });
  metrics.watch(psr);
  const published = directory
    ? publishCalls(psr, directory, { tts: extras.tts ?? (() => undefined) })
    : undefined;
  let recordings: ReturnType<typeof recordCalls> | undefined;
  if (config.recordings) {
    await mkdir(config.recordings, { recursive: true });
    recordings = recordCalls(
      psr,
      {
        dir: config.recordings,
        maxBytes: config.recordingMaxMb * 1024 * 1024,
        onOutcome: metrics.countRecording,
        ...(published && {
          onFinished: (call: Call, file: string) => published.recorded(call.id, basename(file)),
        }),
      },
      logger,
    );
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `ws://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}${config.path}`;
  logger.info({ url, bot: config.bot }, 'listening'); // every line carries the pid
  // Not ready until every hot path has run once: the first calls see no cold start.
  const warmUpMs = await warmUp({
    mp3Backend,
    format: config.chunkFormat,
    bitrateKbps: config.bitrateKbps,
    framesPerChunk: config.framesPerChunk,
    work: psr.work,
  });
  warm = true;
  logger.info({ warm_up_ms: Math.round(warmUpMs) }, 'warm: ready for calls');

  let stopping: Promise<void> | undefined;
  return {
    psr,
    http,
    metrics,
    url,
    address,
    shutdown() {
      stopping ??= (async () => {
        logger.info(
          { active_calls: psr.activeCalls, drain_timeout_ms: config.drainTimeoutMs },
          'shutting down',
        );
        await psr.close({ drainTimeoutMs: config.drainTimeoutMs });
        // Every ended call's recording finished under its name before the process goes.
        await recordings?.settled();
        published?.close();
        directory?.close();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}
