export { type AdminRoutesOptions, adminRoutes } from './admin-routes.js';
export {
  type CallCommand,
  type CallDirectory,
  type CallLogEntry,
  type CallRef,
  type CommandHandler,
  type CommandResult,
  callKey,
  createLocalDirectory,
  DirectoryBook,
  type DirectoryChange,
  type LiveCall,
  type Retention,
} from './call-directory.js';
export { createWorkerDirectory, hostCallDirectory } from './cluster-directory.js';
export { ConfigError, configCommand, parseConfig, type ServerConfig } from './config.js';
export { healthRoutes } from './http-routes.js';
export { type PublishCallsOptions, publishCalls } from './live-calls.js';
export { type BotModule, loadBot } from './load-bot.js';
export { createLogger } from './logging.js';
export { createServerMetrics, type ServerMetrics } from './metrics.js';
export type {
  LoadSample,
  LoadThresholds,
  NodeLoad,
  NotReadyReason,
  Overload,
} from './node-load.js';
export { type RecordingOptions, recordCalls } from './recording.js';
export { recordingName, recoverRecordings } from './recording-files.js';
export {
  createRedisDirectory,
  type RedisCallDirectory,
  type RedisDirectoryOptions,
} from './redis-directory.js';
export type { NodeRecord, NodeReport } from './redis-node-beat.js';
export {
  type ReferenceServer,
  type ReferenceServerExtras,
  type ServerCampaigns,
  type ShutdownOptions,
  startReferenceServer,
} from './reference-server.js';
export { runServer } from './run-server.js';
