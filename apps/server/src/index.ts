export { ConfigError, configCommand, parseConfig, type ServerConfig } from './config.js';
export { healthRoutes } from './http-routes.js';
export { type BotModule, loadBot } from './load-bot.js';
export { createLogger } from './logging.js';
export { createServerMetrics, type ServerMetrics } from './metrics.js';
export { recordCalls, recoverRecordings } from './recording.js';
export { type ReferenceServer, startReferenceServer } from './reference-server.js';
export { runServer } from './run-server.js';
