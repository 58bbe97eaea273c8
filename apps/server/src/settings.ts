import { DEFAULT_BITRATE_KBPS, DEFAULT_LEAD_MS } from '@psrkit/pipeline';
import { CALL_DEFAULTS, SERVER_DEFAULTS } from '@psrkit/transport';
import { CAMPAIGN_SETTINGS } from './campaign-settings.js';
import { READY_DEFAULTS } from './node-load.js';
import {
  botErrorPolicy,
  decimal,
  integer,
  list,
  listBy,
  namedTokenList,
  oneOf,
  onOff,
  type Parse,
  path,
  text,
  tokenList,
} from './setting-values.js';

/**
 * The bot the server runs without `--bot`: the demo, an optional peer dependency (it is
 * GPL-3.0 through eSpeak NG; the server is MIT and does not pull it in).
 */
export const DEFAULT_BOT = '@psrkit/demo-bot';

/**
 * One setting: its flag, its variable, its default (from the package that owns it) and how
 * a value is read. The one table the command line, the environment, `--help` and the
 * README's table are made from.
 */
export interface Setting<T = unknown> {
  /** Its name in `ServerConfig`. */
  readonly key: string;
  /** `--port <port>`. */
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  readonly parse: Parse<T>;
  /** What it is when neither flag nor variable is given. */
  readonly default?: T;
  /** How the README shows the default, when the value alone would not say it. */
  readonly defaultText?: string;
  /** Given several times (or `;`-separated in the variable): a list, in order. */
  readonly repeatable?: boolean;
  /** A secret: warned about when given as a flag (visible in `ps`). */
  readonly secret?: boolean;
}

const MP3_BITRATES = [8, 16, 24, 32, 40, 48, 56, 64] as const;

const setting = <T>(s: Setting<T>): Setting<T> => s;

/** Every setting of `psrkit-server`, in the order `--help` and the README list them. */
export const SETTINGS = [
  setting({
    key: 'host',
    flag: '--host <host>',
    env: 'PSRKIT_HOST',
    parse: text,
    default: '0.0.0.0',
    description: 'interface to listen on',
  }),
  setting({
    key: 'port',
    flag: '--port <port>',
    env: 'PORT',
    parse: integer(0, 65535),
    default: 8080,
    description: 'one port for the WebSocket, /healthz, /readyz and /metrics',
  }),
  setting({
    key: 'path',
    flag: '--path <path>',
    env: 'PSRKIT_PATH',
    parse: path,
    default: '/',
    description: 'WebSocket path PSR connects to',
  }),
  setting({
    key: 'tlsCert',
    flag: '--tls-cert <file>',
    env: 'PSRKIT_TLS_CERT',
    parse: text,
    defaultText: 'none (plain ws:// and http://)',
    description:
      'a PEM certificate (its chain after it): with `--tls-key`, the one port serves `wss://` and `https://` itself',
  }),
  setting({
    key: 'tlsKey',
    flag: '--tls-key <file>',
    env: 'PSRKIT_TLS_KEY',
    parse: text,
    defaultText: 'none',
    description: "the certificate's PEM private key",
  }),
  setting({
    key: 'tokens',
    flag: '--tokens <list>',
    env: 'PSRKIT_TOKENS',
    parse: tokenList,
    default: [],
    defaultText: 'none (no auth, logged as a warning)',
    secret: true,
    description:
      "accepted tokens, comma-separated (`?token=` or `Authorization: Bearer`; several for rotation); `tenant:token` opens only that tenant's calls. Prefer the variable: flags show in `ps`",
  }),
  setting({
    key: 'metricsToken',
    flag: '--metrics-token <token>',
    env: 'PSRKIT_METRICS_TOKEN',
    parse: (value) => value || undefined,
    defaultText: 'none (open)',
    secret: true,
    description:
      '`/metrics` and `/readyz` answer 401 without `Authorization: Bearer <token>`; `/healthz` stays open',
  }),
  setting({
    key: 'adminTokens',
    flag: '--admin-tokens <list>',
    env: 'PSRKIT_ADMIN_TOKENS',
    parse: namedTokenList,
    default: [],
    defaultText: 'none (the pages and the control API are off)',
    secret: true,
    description:
      'turn on the live calls page (`/calls`), `/api/calls` and call control; comma-separated `<name>:<token>` (the name is logged with each command) or `<token>`, as `Authorization: Bearer` or `?token=`. PSR call tokens do not open them',
  }),
  setting({
    key: 'tenants',
    flag: '--tenants <list>',
    env: 'PSRKIT_TENANTS',
    parse: list,
    default: [],
    defaultText: 'any',
    description: 'tenant allow-list, comma-separated',
  }),
  setting({
    key: 'leadMs',
    flag: '--lead-ms <ms>',
    env: 'PSRKIT_LEAD_MS',
    parse: integer(0, 10_000),
    default: DEFAULT_LEAD_MS,
    description:
      'the most bot audio sent ahead of the caller: what they still hear after a barge-in',
  }),
  setting({
    key: 'bitrateKbps',
    flag: '--bitrate <kbps>',
    env: 'PSRKIT_MP3_BITRATE',
    parse: oneOf(MP3_BITRATES),
    default: DEFAULT_BITRATE_KBPS,
    description: `MP3 bitrate: ${MP3_BITRATES.join(', ')} (what 8 kHz MP3 allows)`,
  }),
  setting({
    key: 'framesPerChunk',
    flag: '--frames-per-chunk <n>',
    env: 'PSRKIT_FRAMES_PER_CHUNK',
    parse: integer(1, 50),
    default: 1,
    description:
      'MP3 frames (72 ms each) per `chunk` action; a chunk and 40 ms must fit in `--lead-ms` (2 frames: a lead of 184 or more)',
  }),
  setting({
    key: 'chunkFormat',
    flag: '--chunk-format <format>',
    env: 'PSRKIT_CHUNK_FORMAT',
    parse: oneOf(['mp3', 'pcm16'] as const),
    default: 'mp3',
    description: 'format of streamed chunks: `mp3` or `pcm16`',
  }),
  setting({
    key: 'remoteSide',
    flag: '--remote-side <side>',
    env: 'PSRKIT_REMOTE_SIDE',
    parse: oneOf(['a', 'b'] as const),
    default: 'a',
    description:
      "the side of a `stereo` call that is the person the bot talks to (`b` when every call is outbound); a call's `remote_side=a|b` parameter wins",
  }),
  setting({
    key: 'mp3Encoder',
    flag: '--mp3-encoder <engine>',
    env: 'PSRKIT_MP3_ENCODER',
    parse: oneOf(['lamejs', 'wasm'] as const),
    default: 'lamejs',
    description:
      '`lamejs` (built in) or `wasm`: LAME in WebAssembly (`@psrkit/plugin-mp3-wasm`), ~4× faster',
  }),
  setting({
    key: 'encodeAhead',
    flag: '--encode-ahead <on|off>',
    env: 'PSRKIT_ENCODE_AHEAD',
    parse: onOff,
    default: false,
    defaultText: 'off',
    description:
      "`on`: MP3-encode each call's next chunk right after a send, off the send path (steadier sends under load; it counts against the lead)",
  }),
  setting({
    key: 'heartbeatMs',
    flag: '--heartbeat-ms <ms>',
    env: 'PSRKIT_HEARTBEAT_MS',
    parse: integer(100, 3_600_000),
    default: SERVER_DEFAULTS.heartbeatIntervalMs,
    description: 'WebSocket ping interval; a call silent for twice this ends',
  }),
  setting({
    key: 'maxPayloadBytes',
    flag: '--max-payload <bytes>',
    env: 'PSRKIT_MAX_PAYLOAD',
    parse: integer(1024, 256 * 1024 * 1024),
    default: SERVER_DEFAULTS.maxFrameBytes,
    description: 'largest inbound frame (larger: close 1009)',
  }),
  setting({
    key: 'maxAudioAheadMs',
    flag: '--max-audio-ahead-ms <ms>',
    env: 'PSRKIT_MAX_AUDIO_AHEAD_MS',
    parse: integer(20, 24 * 3_600_000),
    default: CALL_DEFAULTS.maxAudioAheadMs,
    description:
      "caller audio more than this ahead of real time is dropped (`AUDIO_AHEAD`): a peer cannot make the bot's work run ahead without bound; raise it for `psr-sim --speed`",
  }),
  setting({
    key: 'maxMediaFrameMs',
    flag: '--max-media-frame-ms <ms>',
    env: 'PSRKIT_MAX_MEDIA_FRAME_MS',
    parse: integer(20, 3_600_000),
    default: CALL_DEFAULTS.maxMediaFrameMs,
    description:
      'most audio one `media` frame may carry (PSR sends 20 ms); a longer one is refused (`MEDIA_TOO_LONG`)',
  }),
  setting({
    key: 'maxConnections',
    flag: '--max-connections <n>',
    env: 'PSRKIT_MAX_CONNECTIONS',
    parse: integer(1, 1_000_000),
    default: 5000,
    description:
      'open connections in all (calls, health checks, half-open requests); more are closed at once and counted',
  }),
  setting({
    key: 'maxConnectionsPerAddress',
    flag: '--max-connections-per-address <n>',
    env: 'PSRKIT_MAX_CONNECTIONS_PER_ADDRESS',
    parse: integer(1, 1_000_000),
    default: 2000,
    description:
      'open connections from one address: one client cannot shut out calls and health checks',
  }),
  setting({
    key: 'maxNewConnectionsPerSecond',
    flag: '--max-new-connections-per-second <n>',
    env: 'PSRKIT_MAX_NEW_CONNECTIONS_PER_SECOND',
    parse: integer(1, 1_000_000),
    default: 1000,
    description: 'new connections from one address per second',
  }),
  setting({
    key: 'recordings',
    flag: '--recordings <dir>',
    env: 'PSRKIT_RECORDINGS',
    parse: text,
    defaultText: 'off',
    description: 'write a stereo WAV per call here (the caller left, the bot right)',
  }),
  setting({
    key: 'recordingMaxMb',
    flag: '--recording-max-mb <MiB>',
    env: 'PSRKIT_RECORDING_MAX_MB',
    parse: integer(1, 1024 * 1024),
    default: 256,
    description:
      'the largest recording of one call (256 MiB ≈ 2.3 hours); the rest of a longer call is not recorded (logged, counted)',
  }),
  setting({
    key: 'logLevel',
    flag: '--log-level <level>',
    env: 'PSRKIT_LOG_LEVEL',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    default: 'info',
    description: 'log level',
  }),
  setting({
    key: 'logFormat',
    flag: '--log-format <format>',
    env: 'PSRKIT_LOG_FORMAT',
    parse: oneOf(['json', 'pretty'] as const),
    defaultText: 'pretty on a terminal, else JSON',
    description: 'log lines: `json` or `pretty`',
  }),
  setting({
    key: 'workers',
    flag: '--workers <n>',
    env: 'PSRKIT_WORKERS',
    parse: integer(1, 256),
    default: 1,
    description: 'processes sharing the port (`node:cluster`)',
  }),
  setting({
    key: 'drainGraceMs',
    flag: '--drain-grace-ms <ms>',
    env: 'PSRKIT_DRAIN_GRACE_MS',
    parse: integer(0, 3_600_000),
    default: 5000,
    description:
      'after SIGTERM, `/readyz` answers 503 at once but new calls are still accepted this long (a load balancer sends some until its checks see the node go), then refused (503); SIGINT skips it',
  }),
  setting({
    key: 'drainTimeoutMs',
    flag: '--drain-timeout-ms <ms>',
    env: 'PSRKIT_DRAIN_TIMEOUT_MS',
    parse: integer(0, 24 * 3_600_000),
    default: 10_000,
    description:
      'how long live calls may go on after SIGTERM or SIGINT, the grace included; then they end (close 1001, reason `shutdown`) and the process exits 0',
  }),
  setting({
    key: 'readyMaxCpu',
    flag: '--ready-max-cpu <share>',
    env: 'PSRKIT_READY_MAX_CPU',
    parse: decimal(0.01, 64),
    default: READY_DEFAULTS.maxCpu,
    description:
      '`/readyz` answers 503 (`overloaded`) while a process used more than this share of a core over the last 2 s (`--workers`: the busiest one); see docs/deploy.md for how it was chosen',
  }),
  setting({
    key: 'readyMaxLagMs',
    flag: '--ready-max-lag-ms <ms>',
    env: 'PSRKIT_READY_MAX_LAG_MS',
    parse: integer(1, 60_000),
    default: READY_DEFAULTS.maxEventLoopLagMs,
    description:
      "`/readyz` answers 503 (`overloaded`) while the event loop's delay p99 over the last 2 s is above this",
  }),
  setting({
    key: 'readyMaxCalls',
    flag: '--ready-max-calls <n>',
    env: 'PSRKIT_READY_MAX_CALLS',
    parse: integer(1, 1_000_000),
    defaultText: 'none',
    description:
      '`/readyz` answers 503 (`overloaded`) while this many calls are live on the node (calls are still accepted: it steers a load balancer)',
  }),
  setting({
    key: 'duplicateCallId',
    flag: '--duplicate-call-id <policy>',
    env: 'PSRKIT_DUPLICATE_CALL_ID',
    parse: oneOf(['reject', 'replace'] as const),
    default: 'reject',
    description:
      'a second connection with a live `call_id`: `reject` (409) or `replace` (the first ends)',
  }),
  setting({
    key: 'onBotError',
    flag: '--on-bot-error <policy>',
    env: 'PSRKIT_ON_BOT_ERROR',
    parse: botErrorPolicy,
    default: { action: 'hangup' },
    defaultText: 'hangup',
    description: 'what a call does when its bot throws: `hangup` or `transfer:<extension>`',
  }),
  setting({
    key: 'handshakeTimeoutMs',
    flag: '--handshake-timeout-ms <ms>',
    env: 'PSRKIT_HANDSHAKE_TIMEOUT_MS',
    parse: integer(100, 600_000),
    default: 10_000,
    description: 'slow or half-open HTTP requests and upgrades get 408 and are closed after this',
  }),
  setting({
    key: 'bot',
    flag: '--bot <module>',
    env: 'PSRKIT_BOT',
    parse: text,
    default: DEFAULT_BOT,
    description:
      'the bot: a path or a package name whose default export is a bot (a `.ts` file under `node --import tsx`)',
  }),
  setting({
    key: 'inboundStages',
    flag: '--inbound-stage <module[=json]>',
    env: 'PSRKIT_INBOUND_STAGES',
    parse: listBy(';'),
    default: [],
    defaultText: 'none',
    repeatable: true,
    description:
      "a stage plugin on the caller's audio before the bot hears it, `<module>[=<json options>]`; repeatable, in order (`;` between several in the variable)",
  }),
  setting({
    key: 'outboundStages',
    flag: '--outbound-stage <module[=json]>',
    env: 'PSRKIT_OUTBOUND_STAGES',
    parse: listBy(';'),
    default: [],
    defaultText: 'none',
    repeatable: true,
    description:
      'a stage plugin on what the bot says (at 8 kHz, before it is encoded); the same form',
  }),
] as const satisfies readonly Setting[];

/** `psrkit-campaign run`'s setting of this key (one table defines it for both commands). */
function campaignSetting(key: string): Setting {
  const found = (CAMPAIGN_SETTINGS as readonly Setting[]).find((s) => s.key === key);
  if (!found) throw new Error(`psrkit-campaign has no setting ${key}`);
  return found;
}

/**
 * What `psrkit-server` adds to run campaigns itself (`--psr-url` and a store): the settings
 * it shares with `psrkit-campaign run`, and where its embedded engine keeps them.
 */
export const SERVER_CAMPAIGN_SETTINGS: readonly Setting[] = [
  campaignSetting('psrUrl'),
  campaignSetting('psrToken'),
  setting({
    key: 'campaignDb',
    flag: '--campaign-db <path>',
    env: 'PSRKIT_CAMPAIGN_DB',
    parse: text,
    defaultText: 'none',
    description:
      'with `--psr-url`: run campaigns, stored in this file (the embedded engine; one process holds it), created and controlled at `/api/campaigns` and `/campaigns`',
  }),
  {
    ...campaignSetting('redisUrl'),
    defaultText: 'none (calls listed on this node only)',
    description:
      'the Redis the nodes of a deployment share: every node lists and controls every node’s calls (and, with `--psr-url`, campaigns run on BullMQ in it)',
  },
  campaignSetting('publicUrl'),
];

/** Settings as a README's Markdown table: by default `psrkit-server`'s. */
export function settingsMarkdown(
  table: readonly Setting[] = [...(SETTINGS as readonly Setting[]), ...SERVER_CAMPAIGN_SETTINGS],
): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const shown = (s: Setting) =>
    s.defaultText ??
    (Array.isArray(s.default) || s.default === undefined ? 'none' : `\`${String(s.default)}\``);
  return [
    '| flag | env | default | |',
    '| --- | --- | --- | --- |',
    ...table.map(
      (s) =>
        `| \`${s.flag.split(' ')[0]}\` | \`${s.env}\` | ${cell(shown(s))} | ${cell(s.description)} |`,
    ),
  ].join('\n');
}
