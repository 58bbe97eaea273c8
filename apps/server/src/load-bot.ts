import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnyTextToSpeech } from '@psrkit/pipeline';
import type { Bot, BotMeter } from '@psrkit/transport';
import { ConfigError, DEFAULT_BOT } from './config.js';

/** Whether the server can resolve a package (the optional default bot). */
function resolvable(name: string): boolean {
  try {
    import.meta.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** A bot module: its default export (or `bot`) is the bot; `prepare()` runs once at start, `metrics(meter)` too. */
export interface BotModule {
  readonly bot: Bot;
  readonly prepare?: () => Promise<void>;
  /** Gets the server's meter once at start, to create the bot's own histograms. */
  readonly metrics?: (meter: BotMeter) => void;
  /** The bot's TTS (after `prepare()`), for the `say` call command. */
  readonly tts?: () => AnyTextToSpeech | undefined;
}

/**
 * Imports a bot module: a file path (`./my-bot.js`, absolute) or a package name that
 * resolves from the server (`@psrkit/demo-bot`).
 * @throws {ConfigError} `--bot` when it cannot be imported or exports no bot
 */
export async function loadBot(spec: string, cwd = process.cwd()): Promise<BotModule> {
  if (spec === DEFAULT_BOT && !resolvable(spec))
    throw new ConfigError(
      '--bot',
      `no bot given, and the default ${DEFAULT_BOT} is not installed: pass --bot ./your-bot.js (or PSRKIT_BOT), or install ${DEFAULT_BOT} (GPL-3.0, with eSpeak NG) beside the server`,
    );
  const module = await importModule(spec, '--bot', cwd);
  const bot = module['default'] ?? module['bot'];
  if (typeof bot !== 'function')
    throw new ConfigError(
      '--bot',
      `${JSON.stringify(spec)} has no default export (or "bot") that is a function (call, context) => …`,
    );
  const prepare = module['prepare'];
  const metrics = module['metrics'];
  const tts = module['tts'];
  return {
    bot: bot as Bot,
    ...(typeof prepare === 'function' && { prepare: prepare as () => Promise<void> }),
    ...(typeof metrics === 'function' && { metrics: metrics as (meter: BotMeter) => void }),
    ...(typeof tts === 'function' && { tts: () => asTts((tts as () => unknown)()) }),
  };
}

/** A value that keeps the TTS contract (version 1 or 2), else undefined. */
function asTts(value: unknown): AnyTextToSpeech | undefined {
  const candidate = value as
    | { specificationVersion?: unknown; synthesize?: unknown; speak?: unknown }
    | undefined;
  if (candidate?.specificationVersion === 1 && typeof candidate.synthesize === 'function')
    return candidate as AnyTextToSpeech;
  if (candidate?.specificationVersion === 2 && typeof candidate.speak === 'function')
    return candidate as AnyTextToSpeech;
  return undefined;
}

/**
 * Imports a module the server was told to load (`option` names the flag): a file path
 * (with or without `./`) or a package name that resolves from the server.
 * @throws {ConfigError} when it cannot be imported (with the file and line of a syntax
 *   error in it, or how to run TypeScript when no loader is registered)
 */
export async function importModule(
  spec: string,
  option: string,
  cwd = process.cwd(),
): Promise<Record<string, unknown>> {
  // A path that exists is a path, with or without `./` (`dist/bot.js`).
  const isPath =
    spec.startsWith('.') ||
    spec.startsWith('/') ||
    /^[A-Za-z]:[\\/]/.test(spec) ||
    existsSync(resolve(cwd, spec));
  try {
    return await import(isPath ? pathToFileURL(resolve(cwd, spec)).href : spec);
  } catch (cause) {
    // TypeScript imports when the server runs under a loader (tsx); else, say how.
    if (
      /\.[cm]?tsx?$/.test(spec) &&
      (cause as { code?: string }).code === 'ERR_UNKNOWN_FILE_EXTENSION'
    )
      throw new ConfigError(
        option,
        `${JSON.stringify(spec)} is TypeScript: build it to JavaScript first, or run the server under tsx (node --import tsx ${serverBin(cwd)} ${option} ${spec})`,
      );
    throw new ConfigError(
      option,
      `cannot import ${JSON.stringify(spec)}: ${(cause as Error).message}${whereIn(cause, isPath ? resolve(cwd, spec) : undefined)}`,
    );
  }
}

/** This server's own `bin.js` (beside this module), relative to `cwd` when inside it. */
function serverBin(cwd: string): string {
  const bin = fileURLToPath(new URL('./bin.js', import.meta.url));
  const inside = relative(cwd, bin);
  return inside.startsWith('..') || isAbsolute(inside) ? bin : inside;
}

/**
 * ` (at file:line)` for an error in the bot's own code. A syntax error thrown by `import`
 * does not say where it is, so the file is checked again with `node --check`, which does.
 */
function whereIn(error: unknown, file: string | undefined): string {
  const stack = (error as Error | undefined)?.stack ?? '';
  const at = /(file:\/\/[^\s:)]+|\/[^\s:)]+\.[cm]?js):(\d+)/.exec(stack);
  if (at) return ` (at ${at[1]!.replace(/^file:\/\//, '')}:${at[2]})`;
  if (!(error instanceof SyntaxError) || !file) return '';
  const check = spawnSync(process.execPath, ['--check', file], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  const where = /^(.+):(\d+)$/m.exec(check.stderr ?? '');
  return where ? ` (at ${where[1]}:${where[2]})` : '';
}
