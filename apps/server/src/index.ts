export { type AdminRoutesOptions, adminRoutes } from './admin-routes.js';
export {
  type CallCommand,
  type CallDirectory,
  type CallLogEntry,
  type CommandHandler,
  type CommandResult,
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
export { type RecordingOptions, recordCalls } from './recording.js';
export { recordingName, recoverRecordings } from './recording-files.js';
export {
  type ReferenceServer,
  type ReferenceServerExtras,
  type ServerCampaigns,
  startReferenceServer,
} from './reference-server.js';
export { runServer } from './run-server.js';
