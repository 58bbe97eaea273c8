import type { TenantToken } from '@psrkit/transport';
import { Command, Option } from 'commander';
import { type ServerCampaignConfig, serverCampaignsOf } from './server-campaign-config.js';
import { ConfigError } from './setting-values.js';
import { SERVER_CAMPAIGN_SETTINGS, SETTINGS, type Setting } from './settings.js';
import { VERSION } from './version.js';

export { ConfigError } from './setting-values.js';
export { DEFAULT_BOT } from './settings.js';

/** The reference server's configuration, validated. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  /** Plain tokens open any tenant's calls; `tenant:token` entries only that tenant's. */
  readonly tokens: readonly (string | TenantToken)[];
  readonly tenants: readonly string[];
  /** Required (as `Authorization: Bearer`) by /metrics and /readyz when set. */
  readonly metricsToken: string | undefined;
  /** Open the live calls pages, `/api/calls` and call control; none: they are off. */
  readonly adminTokens: readonly { readonly name: string; readonly token: string }[];
  readonly leadMs: number;
  readonly bitrateKbps: number;
  readonly framesPerChunk: number;
  readonly chunkFormat: 'mp3' | 'pcm16';
  /** The side of a `stereo` call the bot talks to, unless the call says `remote_side`. */
  readonly remoteSide: 'a' | 'b';
  /** `lamejs` (built in) or `wasm` (LAME in WebAssembly, @psrkit/plugin-mp3-wasm). */
  readonly mp3Encoder: 'lamejs' | 'wasm';
  /** Encode each call's next MP3 chunk right after a send (`on`) or when it is due (`off`). */
  readonly encodeAhead: boolean;
  readonly heartbeatMs: number;
  readonly maxPayloadBytes: number;
  readonly recordings: string | undefined;
  /** Largest recording of one call, MiB. */
  readonly recordingMaxMb: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly logFormat: 'json' | 'pretty';
  readonly workers: number;
  /** After SIGTERM, new calls are still accepted this long (readiness already off), ms. */
  readonly drainGraceMs: number;
  /** Live calls may go on this long after SIGTERM or SIGINT (the grace included), ms. */
  readonly drainTimeoutMs: number;
  /** `/readyz` answers 503 above these (`--ready-max-cpu`, `--ready-max-lag-ms`). */
  readonly readyMaxCpu: number;
  readonly readyMaxLagMs: number;
  /** … and with this many calls live (`--ready-max-calls`). */
  readonly readyMaxCalls: number | undefined;
  /** PEM files: the one port serves `wss://` and `https://` (both or neither). */
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
  readonly duplicateCallId: 'reject' | 'replace';
  /** What a call does when its bot fails: hang up, or transfer to an extension. */
  readonly onBotError:
    | { readonly action: 'hangup' }
    | { readonly action: 'transfer'; readonly extension: string };
  /** An HTTP request or WebSocket upgrade that has not arrived whole within this ends. */
  readonly handshakeTimeoutMs: number;
  /** Open connections in all, from one address, and new ones per second from one address. */
  /** Caller audio ahead of real time beyond this is dropped, ms. */
  readonly maxAudioAheadMs: number;
  /** Most audio one `media` frame may carry, ms. */
  readonly maxMediaFrameMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  readonly maxNewConnectionsPerSecond: number;
  readonly bot: string;
  /** Stage plugins on the caller's audio, each `<module>[=<json options>]`, in order. */
  readonly inboundStages: readonly string[];
  /** Stage plugins on what the bot says, before it is encoded; the same form. */
  readonly outboundStages: readonly string[];
  /** Settings that were accepted but deserve a word at startup (one line each). */
  readonly warnings: readonly string[];
  /** `psrkit-server --psr-url … --campaign-db|--redis-url`: it runs campaigns itself. */
  readonly campaigns?: ServerCampaignConfig;
  /** `--redis-url`: the call directory every node shares (and the campaigns' store, if any). */
  readonly redisUrl?: string;
}

/** The command line, made from the settings table: every flag, its variable and default (`--help`). */
export function configCommand(): Command {
  return settingsCommand(
    new Command('psrkit-server').description(
      'Runs a voice bot on PSR calls: WebSocket, health, readiness and metrics on one port.',
    ),
    [...(SETTINGS as readonly Setting[]), ...SERVER_CAMPAIGN_SETTINGS],
  );
}

/** Adds a flag for every setting of `table` to `command` (with its variable and default). */
export function settingsCommand(command: Command, table: readonly Setting[]): Command {
  command
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  for (const setting of table) {
    const name = setting.flag.split(' ')[0]!;
    const option = new Option(
      setting.flag,
      `${setting.description} (env: ${setting.env})`,
    ).argParser((value: string, previous: unknown) =>
      setting.repeatable
        ? [
            ...((previous as unknown[] | undefined) ?? []),
            ...(setting.parse(value, name) as unknown[]),
          ]
        : setting.parse(value, name),
    );
    if (setting.default !== undefined || setting.defaultText)
      option.default(setting.default, setting.defaultText);
    command.addOption(option);
  }
  return command;
}

/**
 * The values of `table`'s settings from a parsed command and the environment (flags win),
 * and which came from flags.
 * @throws {ConfigError} naming the variable of a wrong value
 */
export function readSettings(
  command: Command,
  table: readonly Setting[],
  env: NodeJS.ProcessEnv,
): { values: Record<string, unknown>; fromFlag: Set<string> } {
  const flags = command.opts();
  const values: Record<string, unknown> = {};
  const fromFlag = new Set<string>();
  for (const setting of table) {
    const attribute = command.options.find((o) => o.flags === setting.flag)!.attributeName();
    const variable = env[setting.env];
    if (command.getOptionValueSource(attribute) === 'cli') {
      values[setting.key] = flags[attribute];
      fromFlag.add(setting.key);
    } else if (variable !== undefined && variable !== '')
      values[setting.key] = setting.parse(variable, setting.env);
    else values[setting.key] = setting.default;
  }
  return { values, fromFlag };
}

/**
 * Reads the configuration from flags and the environment (flags win), as the settings
 * table says; a wrong value names the flag or variable it came from.
 * @throws {ConfigError} naming the option; commander's own errors for unknown flags
 */
export function parseConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  isTty = false,
): ServerConfig {
  const command = configCommand();
  command.parse(['node', 'psrkit-server', ...argv]);
  const config = serverConfigOf(command, env, isTty, SERVER_CAMPAIGN_SETTINGS);
  const { values, fromFlag } = readSettings(command, SERVER_CAMPAIGN_SETTINGS, env);
  const { campaigns, warnings } = serverCampaignsOf(values, fromFlag, config);
  const redisUrl = values['redisUrl'] as string | undefined;
  return {
    ...config,
    ...(campaigns && { campaigns }),
    ...(redisUrl && { redisUrl }),
    warnings: [
      ...config.warnings,
      ...secretFlagWarnings(SERVER_CAMPAIGN_SETTINGS, fromFlag),
      ...warnings,
    ],
  };
}

/**
 * The server's configuration from a command that carries (at least) the server's settings.
 * `alsoKnown` names variables of other tables that are not to be warned about.
 */
export function serverConfigOf(
  command: Command,
  env: NodeJS.ProcessEnv,
  isTty: boolean,
  alsoKnown: readonly Setting[] = [],
): ServerConfig {
  const { values, fromFlag } = readSettings(command, SETTINGS as readonly Setting[], env);
  const config = {
    ...values,
    logFormat: values['logFormat'] ?? (isTty ? 'pretty' : 'json'),
  } as Omit<ServerConfig, 'warnings'>;
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined))
    throw new ConfigError(
      config.tlsKey === undefined ? '--tls-key' : '--tls-cert',
      'give --tls-cert and --tls-key together (PSRKIT_TLS_CERT, PSRKIT_TLS_KEY)',
    );
  return { ...config, warnings: warningsFor(config, env, fromFlag, alsoKnown) };
}

/** A warning for each secret of `table` given as a flag (`fromFlag`: their keys). */
function secretFlagWarnings(table: readonly Setting[], fromFlag: ReadonlySet<string>): string[] {
  return table
    .filter((s) => s.secret && fromFlag.has(s.key))
    .map(
      (s) =>
        `${s.flag.split(' ')[0]} on the command line can be read by any local user (ps, /proc/<pid>/cmdline): set ${s.env} instead`,
    );
}

/** Settings that were accepted but deserve a word at startup. */
function warningsFor(
  config: Omit<ServerConfig, 'warnings'>,
  env: NodeJS.ProcessEnv,
  fromFlag: ReadonlySet<string>,
  alsoKnown: readonly Setting[],
): string[] {
  const known = new Set([...(SETTINGS as readonly Setting[]), ...alsoKnown].map((s) => s.env));
  const unknownVariables = Object.keys(env)
    .filter((name) => name.startsWith('PSRKIT_') && !known.has(name))
    .map((name) => {
      const tail = name.slice('PSRKIT'.length);
      const near = [...known].find(
        (k) =>
          k.startsWith('PSRKIT_') && (k.endsWith(tail) || tail.endsWith(k.slice('PSRKIT'.length))),
      );
      return `${name} is not a setting and is ignored${near ? ` (did you mean ${near}?)` : ''}`;
    });
  const secretFlags = secretFlagWarnings(SETTINGS as readonly Setting[], fromFlag);
  const chunkMs = config.framesPerChunk * 72;
  const shortLead =
    config.chunkFormat === 'mp3' && config.leadMs < chunkMs + 40
      ? [
          `--lead-ms ${config.leadMs} is less than one chunk (${chunkMs} ms) and a 40 ms margin: streams will run dry between chunks`,
        ]
      : [];
  const longGrace =
    config.drainGraceMs > config.drainTimeoutMs
      ? [
          `--drain-grace-ms ${config.drainGraceMs} is longer than --drain-timeout-ms ${config.drainTimeoutMs}: after SIGTERM new calls are refused (and live ones ended) at ${config.drainTimeoutMs} ms`,
        ]
      : [];
  return [...unknownVariables, ...secretFlags, ...shortLead, ...longGrace];
}
