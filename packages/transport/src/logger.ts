/** A log sink; pino's `Logger` fits as it is. */
export interface TransportLogger {
  /** Detail for debugging: each frame refused past the budget, socket errors. */
  debug(fields: object, message: string): void;
  /** A call's life: accepted, transfer, hangup, ended. */
  info(fields: object, message: string): void;
  /** What a peer did wrong, within a budget per call. */
  warn(fields: object, message: string): void;
  /** A bot's or a stage's failure. */
  error(fields: object, message: string): void;
  /** A logger whose lines all carry `bindings` (e.g. `call_id`, `tenant`). */
  child(bindings: object): TransportLogger;
}

/**  'info' | 'warn' | 'error';|The least level {@link consoleLogger} writes. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * The default logger: one JSON line per entry at `level` or above, on stderr.
 * Use pino (or any logger of the same shape) in production.
 */
export function consoleLogger(level: LogLevel = 'warn', bindings: object = {}): TransportLogger {
  const threshold = LEVELS.indexOf(level);
  const line =
    (at: LogLevel) =>
    (fields: object, message: string): void => {
      if (LEVELS.indexOf(at) < threshold) return;
      process.stderr.write(
        `${JSON.stringify({ level: at, time: Date.now(), ...bindings, ...serialise(fields), msg: message })}\n`,
      );
    };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (more) => consoleLogger(level, { ...bindings, ...more }),
  };
}

/** Errors as plain objects (JSON.stringify drops their message and stack). */
function serialise(fields: object): object {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? { type: value.name, message: value.message, code: (value as { code?: unknown }).code }
        : value;
  }
  return out;
}

/** A logger that drops everything. */
export const silentLogger: TransportLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
