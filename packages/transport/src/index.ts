// Stage plugins are the pipeline's; what a call's stages are made of, from here too.
export { StageFailure, type StageSpec } from '@psrkit/pipeline';
export {
  type AuthDecision,
  type AuthHook,
  allOf,
  bearerTokenCheck,
  type TenantToken,
  type TokenAuthOptions,
  tenantAllowList,
  tokenAuth,
} from './auth.js';
export { type Bot, type BotContext, runBot } from './bot.js';
export { createCall } from './call.js';
export type { CallStages } from './call-stages.js';
export { type CallStats, createCallStats } from './call-stats.js';
export type {
  BotErrorPolicy,
  Call,
  CallAudioOptions,
  CallController,
  CallEnd,
  CallEndReason,
  CallEvent,
  CallInit,
  CallOptions,
  SendResult,
  SentAction,
} from './call-types.js';
export { type CallerAudioOptions, callerAudio } from './caller-audio.js';
export type { PsrConnection, PsrConnectionEvents } from './connection.js';
export {
  type FrameErrorCode,
  isTransportError,
  TransportError,
  type TransportErrorCode,
} from './errors.js';
export { logText } from './log-text.js';
export { consoleLogger, type LogLevel, silentLogger, type TransportLogger } from './logger.js';
export {
  type ConnectAsPsrOptions,
  connectAsPsr,
  type PsrClient,
  type ReceivedAction,
} from './psr-client.js';
export {
  CLOSE_REPLACED,
  createPsrServer,
  PsrServer,
  type PsrServerEvents,
  type PsrServerOptions,
  type UpgradeRejection,
} from './psr-server.js';
export { VERSION } from './version.js';
