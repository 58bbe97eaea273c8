// A local stand-in for Cartesia's text-to-speech WebSocket, speaking its documented wire
// format: `GET /tts/websocket` with the key in `X-API-Key` (or `?api_key=`) and the version
// in `Cartesia-Version` (or `?cartesia_version=`); generation requests `{ model_id,
// transcript, voice: { mode: 'id', id }, language, context_id, continue, add_timestamps,
// output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate } }` continuing a
// context until `continue: false`, and `{ context_id, cancel: true }`; answers `chunk`
// (base64 `data`), `timestamps` (`word_timestamps: { words, start, end }`, seconds from the
// context's start), `done`, `error` (`status_code`, `title`, `message`, `error_code`).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { type SocketConfig, serveSocket } from './fake-cartesia-socket.js';

/**
 * How the stand-in behaves for the contexts started from now on: `speak` as Cartesia does;
 * `refuse` the handshake (HTTP `status`); `limit` (a 429 error for the context, as when a
 * concurrency limit is reached); `mute` (never answer); after the context's first audio
 * chunk, `drop` the connection or send `garbage` (not JSON); `malformed` (a chunk whose data
 * is a number); word timestamps `disorder`ed (going back in time) or that `overrun` the
 * audio (ms sent as seconds).
 */
export type FakeCartesiaBehaviour =
  | 'speak'
  | 'refuse'
  | 'limit'
  | 'mute'
  | 'drop'
  | 'garbage'
  | 'malformed'
  | 'disorder'
  | 'overrun';

/** Options of {@link startFakeCartesia}. */
export interface FakeCartesiaOptions {
  /** The key it accepts (default `fake-key`); any other gets a 401, as Cartesia gives. */
  readonly apiKey?: string;
  /** The voice IDs it has (default `['fake-voice']`). */
  readonly voices?: readonly string[];
  /** Audio per character, ms (default 60): a tone for a letter, silence for a space. */
  readonly msPerChar?: number;
  /** Characters per audio chunk (default 7). */
  readonly chunkChars?: number;
  /** Service delay before each context's first audio, ms (default 0). */
  readonly delayMs?: number;
}

/** A socket as the stand-in saw it. */
export interface FakeCartesiaSocket {
  /** The key it came with (header or query). */
  readonly apiKey: string | undefined;
  /** The API version it asked for (header or query). */
  readonly version: string | undefined;
  /** Every message the client sent on it, parsed. */
  readonly received: readonly unknown[];
  /** Resolves with the close code once the socket has closed. */
  readonly closed: Promise<number>;
}

/** A context as the stand-in saw it. */
export interface FakeCartesiaContext {
  /** Its `context_id`. */
  readonly id: string;
  /** The socket it was on (an index into `sockets`). */
  readonly socket: number;
  /** The transcripts it was sent, in order. */
  readonly transcripts: readonly string[];
  /** `performance.now()` when it sent the context's first audio, if it has. */
  readonly firstAudioAt: number | undefined;
  /**
   * Resolves when the context is over: `done` sent, `cancelled` by the client, `failed` (an
   * error sent), or `disconnected` (its socket closed first).
   */
  readonly ended: Promise<'done' | 'cancelled' | 'failed' | 'disconnected'>;
}

/** A running stand-in for Cartesia. */
export interface FakeCartesia {
  /** Its base URL (`ws://127.0.0.1:<port>`), for `baseUrl`. */
  readonly url: string;
  /** The key it accepts. */
  readonly apiKey: string;
  /** Every socket opened to it, oldest first. */
  readonly sockets: readonly FakeCartesiaSocket[];
  /** Every context started on it, oldest first. */
  readonly contexts: readonly FakeCartesiaContext[];
  /**
   * Sets how it behaves for the contexts started from now on, with its service delay
   * (default: the one it started with) and the status a refused handshake gets (default 401).
   */
  behave(
    behaviour: FakeCartesiaBehaviour,
    options?: { readonly delayMs?: number; readonly status?: number },
  ): void;
  /** Stops it, dropping every socket. */
  close(): Promise<void>;
}

const header = (request: IncomingMessage, name: string, query: URLSearchParams, key: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : (query.get(key) ?? undefined);
};

/** The HTTP status a handshake is refused with, or 0 to accept it. */
function handshakeStatus(
  path: string,
  key: string | undefined,
  version: string | undefined,
  accepted: { readonly apiKey: string; readonly refuseWith: number | undefined },
): number {
  if (path !== '/tts/websocket') return 404;
  if (accepted.refuseWith !== undefined) return accepted.refuseWith;
  if (key !== accepted.apiKey) return 401;
  if (version === undefined) return 400;
  return 0;
}

/** Starts a stand-in for Cartesia's text-to-speech WebSocket on a free loopback port. */
export async function startFakeCartesia(options: FakeCartesiaOptions = {}): Promise<FakeCartesia> {
  const apiKey = options.apiKey ?? 'fake-key';
  const delayMs = options.delayMs ?? 0;
  let config: SocketConfig = {
    behaviour: 'speak',
    voices: options.voices ?? ['fake-voice'],
    msPerChar: options.msPerChar ?? 60,
    chunkChars: options.chunkChars ?? 7,
    delayMs,
  };
  let status = 401;
  const sockets: FakeCartesiaSocket[] = [];
  const contexts: FakeCartesiaContext[] = [];
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://local');
    const key = header(request, 'x-api-key', url.searchParams, 'api_key');
    const version = header(request, 'cartesia-version', url.searchParams, 'cartesia_version');
    const refuseWith = config.behaviour === 'refuse' ? status : undefined;
    const refusal = handshakeStatus(url.pathname, key, version, { apiKey, refuseWith });
    if (refusal > 0) {
      socket.end(`HTTP/1.1 ${refusal} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const shared = { config: () => config, index: sockets.length, contexts };
      sockets.push(serveSocket(ws, shared, { apiKey: key, version }));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    apiKey,
    sockets,
    contexts,
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
