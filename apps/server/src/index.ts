export { ConfigError, configCommand, parseConfig, type ServerConfig } from './config.js';
export { healthRoutes } from './http-routes.js';
export { type BotModule, loadBot } from './load-bot.js';
export { createLogger } from './logging.js';
export { createServerMetrics, type ServerMetrics } from './metrics.js';
export { type RecordingOptions, recordCalls } from './recording.js';
export { recordingName, recoverRecordings } from './recording-files.js';
export { type ReferenceServer, startReferenceServer } from './reference-server.js';
export { runServer } from './run-server.js';
