// A local stand-in for ElevenLabs' stream-input WebSocket, speaking its documented wire
// format: `GET /v1/text-to-speech/{voice_id}/stream-input?model_id=…&output_format=pcm_<rate>`
// with the key in `xi-api-key`; a first message `{ text: ' ' }` (voice settings beside it),
// text messages buffered until `flush` (or `try_trigger_generation`), `{ text: '' }` ending
// the input; answers `{ audio, isFinal: null, alignment, normalizedAlignment }` (characters'
// times per chunk, from the chunk's start), then `{ isFinal: true }` and a close. A refusal
// is `{ message, error, code: 1008 }` and a close with 1008 — or what a failing service does.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { type FakeSession, type SessionConfig, serveSession } from './fake-elevenlabs-session.js';

/**
 * How the stand-in behaves for the sockets opened from now on: `speak` as ElevenLabs does;
 * `refuse` the handshake (HTTP `status`); `quota` (a `quota_exceeded` refusal once text
 * comes); `mute` (never answer); after the first audio chunk, `drop` the connection or send
 * `garbage` (not JSON); `malformed` (audio that is a number); timings `disorder`ed (going
 * back in time) or that `overrun` the audio (seconds taken for ms).
 */
export type FakeElevenLabsBehaviour =
  | 'speak'
  | 'refuse'
  | 'quota'
  | 'mute'
  | 'drop'
  | 'garbage'
  | 'malformed'
  | 'disorder'
  | 'overrun';

/** Options of {@link startFakeElevenLabs}. */
export interface FakeElevenLabsOptions {
  /** The key it accepts (default `fake-key`); any other is refused, as ElevenLabs does. */
  readonly apiKey?: string;
  /** The voice IDs it has (default `['fake-voice']`). */
  readonly voices?: readonly string[];
  /** Audio per character, ms (default 60): a tone for a letter, silence for a space. */
  readonly msPerChar?: number;
  /** Characters per audio chunk (default 7, so words are split across chunks). */
  readonly chunkChars?: number;
  /** Service delay before each speech's first audio, ms (default 0). */
  readonly delayMs?: number;
}

/** A speech's socket as the stand-in saw it. */
export interface FakeElevenLabsSession {
  /** The voice ID in the path. */
  readonly voice: string;
  /** The query (`model_id`, `output_format`, …). */
  readonly query: Readonly<Record<string, string>>;
  /** The `xi-api-key` header. */
  readonly apiKey: string | undefined;
  /** Every message the client sent, parsed. */
  readonly received: readonly unknown[];
  /** `performance.now()` when it sent the first audio, if it has. */
  readonly firstAudioAt: number | undefined;
  /** Resolves with the close code once the socket has closed (a cancel, or the end). */
  readonly closed: Promise<number>;
}

/** A running stand-in for ElevenLabs. */
export interface FakeElevenLabs {
  /** Its base URL (`ws://127.0.0.1:<port>`), for `baseUrl`. */
  readonly url: string;
  /** The key it accepts. */
  readonly apiKey: string;
  /** The voice IDs it has. */
  readonly voices: readonly string[];
  /** Every socket opened to it, oldest first. */
  readonly sessions: readonly FakeElevenLabsSession[];
  /**
   * Sets how it behaves for the sockets opened from now on, with its service delay (default:
   * the one it started with) and the status a refused handshake gets (default 401).
   */
  behave(
    behaviour: FakeElevenLabsBehaviour,
    options?: { readonly delayMs?: number; readonly status?: number },
  ): void;
  /** Stops it, dropping every socket. */
  close(): Promise<void>;
}

const PATH = /^\/v1\/text-to-speech\/([^/]+)\/stream-input$/;

/** Starts a stand-in for ElevenLabs' stream-input WebSocket on a free loopback port. */
export async function startFakeElevenLabs(
  options: FakeElevenLabsOptions = {},
): Promise<FakeElevenLabs> {
  const apiKey = options.apiKey ?? 'fake-key';
  const voices = options.voices ?? ['fake-voice'];
  const delayMs = options.delayMs ?? 0;
  let config: SessionConfig = {
    behaviour: 'speak',
    apiKey,
    voices,
    msPerChar: options.msPerChar ?? 60,
    chunkChars: options.chunkChars ?? 7,
    delayMs,
  };
  let status = 401;
  const sessions: FakeSession[] = [];
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://local');
    const voice = PATH.exec(url.pathname)?.[1];
    if (voice === undefined || config.behaviour === 'refuse') {
      const code = voice === undefined ? 404 : status;
      socket.end(`HTTP/1.1 ${code} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const sessionConfig = config;
    wss.handleUpgrade(request, socket, head, (ws) => {
      const key = request.headers['xi-api-key'];
      sessions.push(
        serveSession(ws, sessionConfig, {
          voice: decodeURIComponent(voice),
          query: Object.fromEntries(url.searchParams),
          apiKey: typeof key === 'string' ? key : undefined,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    apiKey,
    voices,
    sessions,
    behave(behaviour, next = {}) {
      config = { ...config, behaviour, delayMs: next.delayMs ?? delayMs };
      status = next.status ?? 401;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
