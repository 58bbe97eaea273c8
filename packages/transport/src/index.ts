// What a bot author needs, from one package: the pipeline's and the protocol's types a
// call's methods take and give, and the one error base class.
export {
  type AudioFrame,
  type CallSide,
  type PlaybackEvent,
  type PlaybackHandle,
  type PlaybackOutcome,
  type PlayMode,
  StageFailure,
  type StageSpec,
  type TextToSpeech,
} from '@psrkit/pipeline';
export { type PcmAudio, type PsrChannel, PsrkitError } from '@psrkit/protocol';
export {
  type AuthDecision,
  type AuthHook,
  allOf,
  bearerTokenCheck,
  requestTokenCheck,
  type TenantToken,
  type TokenAuthOptions,
  tenantAllowList,
  tokenAuth,
} from './auth.js';
export type { Bot, BotContext, BotMeter } from './bot.js';
export { createCall } from './call.js';
export { CALL_DEFAULTS } from './call-inbound.js';
export type { CallStages } from './call-stages.js';
export type { CallStats } from './call-stats.js';
export type { CallTrace } from './call-trace.js';
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
export { createPsrServer, PsrServer } from './psr-server.js';
export {
  CLOSE_REPLACED,
  type PsrServerEvents,
  type PsrServerOptions,
  SERVER_DEFAULTS,
  type UpgradeRejection,
} from './psr-server-types.js';
export { VERSION } from './version.js';
