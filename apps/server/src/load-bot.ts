import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Bot } from '@psrkit/transport';
import { ConfigError } from './config.js';

/** A bot module: its default export (or `bot`) is the bot; `prepare()` runs once at start. */
export interface BotModule {
  readonly bot: Bot;
  readonly prepare?: () => Promise<void>;
}

/**
 * Imports a bot module: a file path (`./my-bot.js`, absolute) or a package name that
 * resolves from the server (`@psrkit/demo-bot`).
 * @throws {ConfigError} `--bot` when it cannot be imported or exports no bot
 */
export async function loadBot(spec: string, cwd = process.cwd()): Promise<BotModule> {
  const isPath = spec.startsWith('.') || spec.startsWith('/') || /^[A-Za-z]:[\\/]/.test(spec);
  let module: Record<string, unknown>;
  try {
    module = await import(isPath ? pathToFileURL(resolve(cwd, spec)).href : spec);
  } catch (cause) {
    throw new ConfigError(
      '--bot',
      `cannot import ${JSON.stringify(spec)}: ${(cause as Error).message}`,
    );
  }
  const bot = module['default'] ?? module['bot'];
  if (typeof bot !== 'function')
    throw new ConfigError(
      '--bot',
      `${JSON.stringify(spec)} has no default export (or "bot") that is a function (call, context) => …`,
    );
  const prepare = module['prepare'];
  return {
    bot: bot as Bot,
    ...(typeof prepare === 'function' && { prepare: prepare as () => Promise<void> }),
  };
}
