import pino, { type Logger } from 'pino';
import type { ServerConfig } from './config.js';

/** pino: JSON lines on stdout, or pretty lines (pino-pretty) for a terminal. */
export function createLogger(config: Pick<ServerConfig, 'logLevel' | 'logFormat'>): Logger {
  const options = { level: config.logLevel, base: { pid: process.pid } };
  if (config.logFormat === 'json') return pino(options);
  return pino(
    options,
    pino.transport({
      target: 'pino-pretty',
      options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' },
    }),
  );
}
