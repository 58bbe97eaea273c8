import { checkExtension, PsrkitError } from '@psrkit/protocol';
import type { TenantToken } from '@psrkit/transport';
import { Command, Option } from 'commander';
import { VERSION } from './version.js';

/**
 * The bot the server runs without `--bot`: the demo, an optional peer dependency (it is
 * GPL-3.0 through eSpeak NG; the server is MIT and does not pull it in).
 */
export const DEFAULT_BOT = '@psrkit/demo-bot';

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
  readonly drainTimeoutMs: number;
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
}

/** A configuration value is wrong: `option` names the flag. */
export class ConfigError extends PsrkitError<'INVALID_CONFIG'> {
  override readonly name = 'ConfigError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super('INVALID_CONFIG', `${option}: ${message}`);
  }
}

const integer = (option: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(
      option,
      `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  return n;
};
const oneOf = (option: string, allowed: readonly number[]) => (value: string) => {
  const n = Number(value);
  if (!allowed.includes(n))
    throw new ConfigError(
      option,
      `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
    );
  return n;
};
const botErrorPolicy = (value: string): ServerConfig['onBotError'] => {
  if (value === 'hangup') return { action: 'hangup' };
  const match = /^transfer:(.+)$/.exec(value);
  if (match) {
    try {
      return { action: 'transfer', extension: checkExtension(match[1]!, '--on-bot-error') };
    } catch (error) {
      throw new ConfigError('--on-bot-error', (error as Error).message);
    }
  }
  throw new ConfigError(
    '--on-bot-error',
    `must be "hangup" or "transfer:<extension>", got ${JSON.stringify(value)}`,
  );
};
const listBy = (separator: string) => (value: string) =>
  value
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean);
const list = listBy(',');
/** `tok` opens any tenant's calls; `tenant:tok` only that tenant's (the first `:` splits). */
const tokenList = (value: string): (string | TenantToken)[] =>
  list(value).map((item) => {
    const at = item.indexOf(':');
    if (at < 0) return item;
    const tenant = item.slice(0, at);
    const token = item.slice(at + 1);
    if (!tenant || !token)
      throw new ConfigError('--tokens', 'write each entry as <token> or <tenant>:<token>');
    return { tenant, token };
  });
/** `--<flag> <module[=json]>`: repeatable, in order; `;` separates several in one value. */
const stageOption = (flag: string, what: string, env: string) =>
  new Option(
    `${flag} <module[=json]>`,
    `${what} (repeatable, in order; \`;\` separates several in the variable)`,
  )
    .env(env)
    .argParser((value: string, previous: string[] | undefined) => [
      ...(previous ?? []),
      ...listBy(';')(value),
    ]);
/** Settings that hold secrets: on the command line, any local user can read them. */
const SECRET_OPTIONS = [
  ['tokens', '--tokens', 'PSRKIT_TOKENS'],
  ['metricsToken', '--metrics-token', 'PSRKIT_METRICS_TOKEN'],
] as const;

/** The command line: every option, its environment variable and its default (`--help`). */
export function configCommand(): Command {
  const option = (flags: string, description: string, env: string) =>
    new Option(flags, description).env(env);
  return new Command('psrkit-server')
    .description(
      'Runs a voice bot on PSR calls: WebSocket, health, readiness and metrics on one port.',
    )
    .version(VERSION)
    .addOption(option('--host <host>', 'interface to listen on', 'PSRKIT_HOST').default('0.0.0.0'))
    .addOption(
      option('--port <port>', 'port for WebSocket, /healthz, /readyz, /metrics', 'PORT')
        .default(8080)
        .argParser(integer('--port', 0, 65535)),
    )
    .addOption(
      option('--path <path>', 'WebSocket path PSR connects to', 'PSRKIT_PATH').default('/'),
    )
    .addOption(
      option(
        '--tokens <list>',
        "accepted tokens, comma-separated (query ?token= or Authorization: Bearer); tenant:token opens only that tenant's calls; none = no auth (prefer the variable: flags show in ps)",
        'PSRKIT_TOKENS',
      ).argParser(tokenList),
    )
    .addOption(
      option(
        '--metrics-token <token>',
        '/metrics and /readyz need Authorization: Bearer <token>; none = open (prefer the variable)',
        'PSRKIT_METRICS_TOKEN',
      ),
    )
    .addOption(
      option(
        '--tenants <list>',
        'allowed tenants, comma-separated; none = any',
        'PSRKIT_TENANTS',
      ).argParser(list),
    )
    .addOption(
      option(
        '--lead-ms <ms>',
        'most bot audio sent ahead: what a caller still hears after a barge-in',
        'PSRKIT_LEAD_MS',
      )
        .default(200)
        .argParser(integer('--lead-ms', 0, 10_000)),
    )
    .addOption(
      option(
        '--bitrate <kbps>',
        'MP3 bitrate (8 kHz MP3: 8, 16, 24, 32, 40, 48, 56 or 64)',
        'PSRKIT_MP3_BITRATE',
      )
        .default(32)
        .argParser(oneOf('--bitrate', [8, 16, 24, 32, 40, 48, 56, 64])),
    )
    .addOption(
      option(
        '--frames-per-chunk <n>',
        'MP3 frames (72 ms each) per chunk action',
        'PSRKIT_FRAMES_PER_CHUNK',
      )
        .default(1)
        .argParser(integer('--frames-per-chunk', 1, 50)),
    )
    .addOption(
      option('--chunk-format <format>', 'format of streamed chunks', 'PSRKIT_CHUNK_FORMAT')
        .choices(['mp3', 'pcm16'])
        .default('mp3'),
    )
    .addOption(
      option(
        '--remote-side <side>',
        "side of a stereo call that is the person the bot talks to (a call's remote_side=a|b wins)",
        'PSRKIT_REMOTE_SIDE',
      )
        .choices(['a', 'b'])
        .default('a'),
    )
    .addOption(
      option(
        '--heartbeat-ms <ms>',
        'WebSocket ping interval; a call silent for twice this ends',
        'PSRKIT_HEARTBEAT_MS',
      )
        .default(15_000)
        .argParser(integer('--heartbeat-ms', 100, 3_600_000)),
    )
    .addOption(
      option('--max-payload <bytes>', 'largest inbound frame', 'PSRKIT_MAX_PAYLOAD')
        .default(2 * 1024 * 1024)
        .argParser(integer('--max-payload', 1024, 256 * 1024 * 1024)),
    )
    .addOption(
      option(
        '--recordings <dir>',
        'write a stereo WAV per call here (caller left, bot right)',
        'PSRKIT_RECORDINGS',
      ),
    )
    .addOption(
      option(
        '--recording-max-mb <MiB>',
        'largest recording of one call (256 MiB ≈ 2.3 hours); the rest is not recorded',
        'PSRKIT_RECORDING_MAX_MB',
      )
        .default(256)
        .argParser(integer('--recording-max-mb', 1, 1024 * 1024)),
    )
    .addOption(
      option('--log-level <level>', 'log level', 'PSRKIT_LOG_LEVEL')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .addOption(
      option(
        '--log-format <format>',
        'log lines (default: pretty on a terminal, else JSON)',
        'PSRKIT_LOG_FORMAT',
      ).choices(['json', 'pretty']),
    )
    .addOption(
      option('--workers <n>', 'processes sharing the port (node:cluster)', 'PSRKIT_WORKERS')
        .default(1)
        .argParser(integer('--workers', 1, 256)),
    )
    .addOption(
      option(
        '--drain-timeout-ms <ms>',
        'on SIGTERM, how long live calls may go on',
        'PSRKIT_DRAIN_TIMEOUT_MS',
      )
        .default(10_000)
        .argParser(integer('--drain-timeout-ms', 0, 3_600_000)),
    )
    .addOption(
      option(
        '--duplicate-call-id <policy>',
        'a second connection with a live call_id',
        'PSRKIT_DUPLICATE_CALL_ID',
      )
        .choices(['reject', 'replace'])
        .default('reject'),
    )
    .addOption(
      option(
        '--mp3-encoder <engine>',
        'MP3 encoder: lamejs (built in) or wasm (LAME in WebAssembly, ~4× faster)',
        'PSRKIT_MP3_ENCODER',
      )
        .choices(['lamejs', 'wasm'])
        .default('lamejs'),
    )
    .addOption(
      option(
        '--encode-ahead <on|off>',
        'MP3-encode the next chunk right after a send (sends stay on time under load; it counts against the lead) or when due',
        'PSRKIT_ENCODE_AHEAD',
      )
        .choices(['on', 'off'])
        .default('off'),
    )
    .addOption(
      option(
        '--on-bot-error <policy>',
        'when a bot throws: "hangup" or "transfer:<extension>"',
        'PSRKIT_ON_BOT_ERROR',
      )
        .default('hangup')
        .argParser(botErrorPolicy),
    )
    .addOption(
      option(
        '--handshake-timeout-ms <ms>',
        'slow or half-open HTTP requests and upgrades are cut after this',
        'PSRKIT_HANDSHAKE_TIMEOUT_MS',
      )
        .default(10_000)
        .argParser(integer('--handshake-timeout-ms', 100, 600_000)),
    )
    .addOption(
      option(
        '--max-audio-ahead-ms <ms>',
        'caller audio more than this ahead of real time is dropped and counted (raise it for psr-sim --speed)',
        'PSRKIT_MAX_AUDIO_AHEAD_MS',
      )
        .default(2000)
        .argParser(integer('--max-audio-ahead-ms', 20, 24 * 3_600_000)),
    )
    .addOption(
      option(
        '--max-media-frame-ms <ms>',
        'most audio one media frame may carry (PSR sends 20 ms); a longer one is refused',
        'PSRKIT_MAX_MEDIA_FRAME_MS',
      )
        .default(1000)
        .argParser(integer('--max-media-frame-ms', 20, 3_600_000)),
    )
    .addOption(
      option(
        '--max-connections <n>',
        'open connections in all (calls, health checks, half-open requests); more are closed at once',
        'PSRKIT_MAX_CONNECTIONS',
      )
        .default(5000)
        .argParser(integer('--max-connections', 1, 1_000_000)),
    )
    .addOption(
      option(
        '--max-connections-per-address <n>',
        'open connections from one address (PSR connects from a few)',
        'PSRKIT_MAX_CONNECTIONS_PER_ADDRESS',
      )
        .default(2000)
        .argParser(integer('--max-connections-per-address', 1, 1_000_000)),
    )
    .addOption(
      option(
        '--max-new-connections-per-second <n>',
        'new connections from one address per second',
        'PSRKIT_MAX_NEW_CONNECTIONS_PER_SECOND',
      )
        .default(1000)
        .argParser(integer('--max-new-connections-per-second', 1, 1_000_000)),
    )
    .addOption(
      stageOption(
        '--inbound-stage',
        "a stage plugin on the caller's audio before the bot hears it",
        'PSRKIT_INBOUND_STAGES',
      ),
    )
    .addOption(
      stageOption(
        '--outbound-stage',
        'a stage plugin on what the bot says, before it is encoded',
        'PSRKIT_OUTBOUND_STAGES',
      ),
    )
    .addOption(
      option(
        '--bot <module>',
        'bot module: a path or package name whose default export is a bot',
        'PSRKIT_BOT',
      ).default(DEFAULT_BOT),
    )
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
}

/**
 * Reads the configuration from flags and the environment (flags win).
 * @throws {ConfigError} naming the option; commander's own errors for unknown flags
 */
export function parseConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  isTty = false,
): ServerConfig {
  const command = configCommand();
  const given = { ...env };
  const saved = { ...process.env };
  // commander reads process.env: give it exactly `env` for the parse.
  for (const key of Object.keys(process.env))
    if (key.startsWith('PSRKIT_') || key === 'PORT') delete process.env[key];
  Object.assign(process.env, given);
  try {
    command.parse(['node', 'psrkit-server', ...argv]);
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  const o = command.opts();
  if (!String(o['path']).startsWith('/'))
    throw new ConfigError('--path', `must start with "/", got ${JSON.stringify(o['path'])}`);
  const known = new Set(
    command.options.flatMap((option) => (option.envVar ? [option.envVar] : [])),
  );
  const warnings = [
    ...Object.keys(env)
      .filter((name) => name.startsWith('PSRKIT_') && !known.has(name))
      .map((name) => {
        const tail = name.slice('PSRKIT'.length);
        const near = [...known].find(
          (k) =>
            k.startsWith('PSRKIT_') &&
            (k.endsWith(tail) || tail.endsWith(k.slice('PSRKIT'.length))),
        );
        return `${name} is not a setting and is ignored${near ? ` (did you mean ${near}?)` : ''}`;
      }),
    ...SECRET_OPTIONS.filter(([key]) => command.getOptionValueSource(key) === 'cli').map(
      ([, flag, variable]) =>
        `${flag} on the command line can be read by any local user (ps, /proc/<pid>/cmdline): set ${variable} instead`,
    ),
    ...(o['chunkFormat'] === 'mp3' && o['leadMs'] < o['framesPerChunk'] * 72 + 40
      ? [
          `--lead-ms ${o['leadMs']} is less than one chunk (${o['framesPerChunk'] * 72} ms) and a 40 ms margin: streams will run dry between chunks`,
        ]
      : []),
  ];
  return {
    warnings,
    host: o['host'],
    port: o['port'],
    path: o['path'],
    tokens: o['tokens'] ?? [],
    tenants: o['tenants'] ?? [],
    metricsToken: o['metricsToken'] || undefined,
    leadMs: o['leadMs'],
    bitrateKbps: o['bitrate'],
    framesPerChunk: o['framesPerChunk'],
    chunkFormat: o['chunkFormat'],
    remoteSide: o['remoteSide'],
    mp3Encoder: o['mp3Encoder'],
    encodeAhead: o['encodeAhead'] === 'on',
    heartbeatMs: o['heartbeatMs'],
    maxPayloadBytes: o['maxPayload'],
    recordings: o['recordings'],
    recordingMaxMb: o['recordingMaxMb'],
    logLevel: o['logLevel'],
    logFormat: o['logFormat'] ?? (isTty ? 'pretty' : 'json'),
    workers: o['workers'],
    drainTimeoutMs: o['drainTimeoutMs'],
    duplicateCallId: o['duplicateCallId'],
    onBotError:
      typeof o['onBotError'] === 'string' ? botErrorPolicy(o['onBotError']) : o['onBotError'],
    handshakeTimeoutMs: o['handshakeTimeoutMs'],
    maxAudioAheadMs: o['maxAudioAheadMs'],
    maxMediaFrameMs: o['maxMediaFrameMs'],
    maxConnections: o['maxConnections'],
    maxConnectionsPerAddress: o['maxConnectionsPerAddress'],
    maxNewConnectionsPerSecond: o['maxNewConnectionsPerSecond'],
    bot: o['bot'],
    inboundStages: o['inboundStage'] ?? [],
    outboundStages: o['outboundStage'] ?? [],
  };
}
