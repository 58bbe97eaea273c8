// The WebSocket side of the reference server: the bot on PSR calls, attached to its HTTP
// server, as the configuration says (auth hooks, limits, playout, MP3 encoder).
import type { Server } from 'node:http';
import { lameJsBackend, type Mp3EncoderBackendFactory } from '@psrkit/pipeline';
import { createWasmMp3Backend } from '@psrkit/plugin-mp3-wasm';
import {
  type AuthHook,
  allOf,
  type Bot,
  type CallStages,
  createPsrServer,
  type PsrServer,
  tenantAllowList,
  tokenAuth,
} from '@psrkit/transport';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import type { ServerMetrics } from './metrics.js';

/** The authentication hooks of `--tokens` and `--tenants` (none: any client, warned about). */
function authHook(config: ServerConfig, logger: Logger): AuthHook | undefined {
  const hooks: AuthHook[] = [];
  if (config.tokens.length > 0) hooks.push(tokenAuth({ tokens: config.tokens }));
  if (config.tenants.length > 0) hooks.push(tenantAllowList(config.tenants));
  if (hooks.length === 0) logger.warn('no --tokens: any client can place calls');
  return hooks.length > 0 ? allOf(...hooks) : undefined;
}

/**
 * The PSR server of `config` on `http`, its calls measured by `metrics`, and the MP3
 * encoder it uses (LAME in WebAssembly with `--mp3-encoder wasm`, else lamejs).
 */
export async function createCallServer(
  config: ServerConfig,
  http: Server,
  bot: Bot,
  stages: CallStages,
  metrics: ServerMetrics,
  logger: Logger,
): Promise<{ psr: PsrServer; mp3Backend: Mp3EncoderBackendFactory }> {
  const authenticate = authHook(config, logger);
  const wasmBackend = config.mp3Encoder === 'wasm' ? await createWasmMp3Backend() : undefined;
  if (wasmBackend) metrics.watchWasmEncoder(() => wasmBackend.stats);
  const mp3Backend = wasmBackend ?? lameJsBackend;
  const psr = createPsrServer({
    bot,
    server: http,
    path: config.path,
    ...(authenticate && { authenticate }),
    duplicateCallId: config.duplicateCallId,
    maxFrameBytes: config.maxPayloadBytes,
    heartbeatIntervalMs: config.heartbeatMs,
    logger,
    call: {
      onBotError: config.onBotError,
      stages,
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
  return { psr, mp3Backend };
}
