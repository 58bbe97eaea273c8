import { randomUUID } from 'node:crypto';
import {
  buildConnectionUrl,
  closedEvent,
  connectedEvent,
  type DecodedPsrAction,
  decodeAction,
  encodeEvent,
  isProtocolError,
  mediaEvent,
  type ProtocolError,
  type PsrChannel,
} from '@psrkit/protocol';
import { type Observable, Subject } from 'rxjs';
import WebSocket from 'ws';
import { TransportError } from './errors.js';

/** Options of {@link connectAsPsr}: the call it plays, and how it behaves. */
export interface ConnectAsPsrOptions {
  /** Default: a fresh UUID, as PSR does. */
  readonly callId?: string;
  /** The tenant the call belongs to. */
  readonly tenant: string;
  /** Dynamic query parameters (`danh_xung`, …). */
  readonly params?: Readonly<Record<string, string>>;
  /** The layout announced in every event (default `stereo`). */
  readonly channel?: PsrChannel;
  /** Extra upgrade headers (e.g. `authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Largest decoded action payload, bytes (default 16 MiB: long WAV prompts). */
  readonly maxPayloadBytes?: number;
  /** Give up the handshake after this long (default 10 000 ms). */
  readonly handshakeTimeoutMs?: number;
  /** Answer pings (default true; false plays a dead peer in tests). */
  readonly autoPong?: boolean;
  /**
   * Certificates to trust for `wss://` instead of the system's, PEM: a private CA, or a
   * server's self-signed certificate.
   */
  readonly ca?: string | Buffer;
}

/** One frame the server sent: a decoded action, or why it broke the contract. */
export type ReceivedAction =
  | {
      readonly ok: true;
      readonly action: DecodedPsrAction;
      readonly frame: string;
      /** `Date.now()` when it arrived. */
      readonly receivedAt: number;
    }
  | {
      readonly ok: false;
      readonly error: ProtocolError | TransportError;
      readonly frame: string | Uint8Array;
      readonly receivedAt: number;
    };

/** A PSR-like WebSocket client: what the emulator and tests drive. */
export interface PsrClient {
  /** The `call_id` it plays. */
  readonly callId: string;
  /** The channel layout it announces. */
  readonly channel: PsrChannel;
  /** The URL it connected to, with `call_id`, `tenant` and the params. */
  readonly url: string;
  /** Resolves when the WebSocket is open; rejects with `CONNECT_FAILED` (and the HTTP status). */
  readonly opened: Promise<void>;
  /** Every frame the server sends, decoded. Hot: subscribe before `opened` settles. */
  readonly actions$: Observable<ReceivedAction>;
  /** Resolves once with the close code and reason. */
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;
  /** Sends `connected`; false when the socket is not open. */
  sendConnected(): boolean;
  /** One `media` event: PCM16 samples in the call's layout (interleaved for stereo). */
  sendMedia(samples: Int16Array): boolean;
  /** Sends `closed`, as PSR does when the call ends; false when the socket is not open. */
  sendClosed(): boolean;
  /** Anything at all, for tests of bad input. */
  sendRaw(data: string | Uint8Array): boolean;
  /** Bytes queued on the socket, not yet sent. */
  readonly bufferedAmount: number;
  /** Sends a close frame and waits for the socket to close. */
  close(
    code?: number,
    reason?: string,
  ): Promise<{ readonly code: number; readonly reason: string }>;
  /** Drops the connection with no close frame (a vanished peer). */
  terminate(): void;
  /** The underlying `ws` socket (pause it to play a peer that stops reading). */
  readonly socket: WebSocket;
}

/**
 * Connects to a bot server the way PSR does and speaks PSR's side of the protocol.
 *
 * @example
 * ```ts
 * const psr = connectAsPsr('ws://127.0.0.1:8080/', { tenant: 'demo', channel: 'mono_a' });
 * psr.actions$.subscribe((received) => console.log(received.ok && received.action.type));
 * await psr.opened;
 * psr.sendConnected();
 * ```
 */
export function connectAsPsr(baseUrl: string, options: ConnectAsPsrOptions): PsrClient {
  const callId = options.callId ?? randomUUID();
  const channel = options.channel ?? 'stereo';
  const url = buildConnectionUrl(baseUrl, {
    callId,
    tenant: options.tenant,
    ...(options.params && { params: options.params }),
  });
  const maxPayloadBytes = options.maxPayloadBytes ?? 16 * 1024 * 1024;
  const socket = new WebSocket(url, {
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    autoPong: options.autoPong ?? true,
    maxPayload: Math.ceil((maxPayloadBytes * 4) / 3) + 64 * 1024,
    ...(options.headers && { headers: { ...options.headers } }),
    ...(options.ca !== undefined && { ca: options.ca }),
  });
  const actions = new Subject<ReceivedAction>();
  const opened = handshake(socket, baseUrl, callId);
  socket.on('error', () => undefined); // errors end in 'close'
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once('close', (code, reason) => {
      actions.complete();
      resolve({ code, reason: reason.toString('utf8') });
    });
  });
  socket.on('message', (data, isBinary) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    actions.next(receivedAction(bytes, isBinary, { callId, maxPayloadBytes }));
  });

  const send = (data: string | Uint8Array): boolean => {
    if (socket.readyState !== WebSocket.OPEN) return false;
    socket.send(data);
    return true;
  };
  const init = () => ({ callId, channel, timestamp: Date.now() });

  return {
    callId,
    channel,
    url,
    opened,
    actions$: actions.asObservable(),
    closed,
    sendConnected: () => send(encodeEvent(connectedEvent(init()))),
    sendMedia: (samples) => send(encodeEvent(mediaEvent({ ...init(), samples }))),
    sendClosed: () => send(encodeEvent(closedEvent(init()))),
    sendRaw: send,
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    close(code = 1000, reason = '') {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
        socket.close(code, reason);
      return closed;
    },
    terminate: () => socket.terminate(),
    socket,
  };
}

/**
 * The client's handshake: resolves when the socket opens; rejects with `CONNECT_FAILED`,
 * with the HTTP status and body of a refused upgrade, or the socket's error.
 */
function handshake(socket: WebSocket, baseUrl: string, callId: string): Promise<void> {
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (piece: string) => {
        body += piece;
      });
      response.on('end', () => {
        reject(
          new TransportError(
            'CONNECT_FAILED',
            `the server refused the upgrade: HTTP ${response.statusCode} ${body.trim()}`,
            { callId, status: response.statusCode ?? 0 },
          ),
        );
        socket.terminate();
      });
    });
    socket.once('error', (error) =>
      reject(
        new TransportError('CONNECT_FAILED', `cannot connect to ${baseUrl}: ${error.message}`, {
          callId,
          cause: error,
        }),
      ),
    );
  });
  opened.catch(() => undefined); // reported through `opened`; not an unhandled rejection
  return opened;
}

/**
 * One frame the server sent, as the client reports it: a decoded action, or why it broke
 * the contract (a binary frame, or one that does not decode).
 */
export function receivedAction(
  bytes: Buffer,
  isBinary: boolean,
  { callId, maxPayloadBytes }: { readonly callId: string; readonly maxPayloadBytes: number },
): ReceivedAction {
  const receivedAt = Date.now();
  if (isBinary) {
    return {
      ok: false,
      error: new TransportError('BINARY_FRAME', 'binary frame: PSR expects JSON text', {
        callId,
      }),
      frame: bytes,
      receivedAt,
    };
  }
  const frame = bytes.toString('utf8');
  try {
    return { ok: true, action: decodeAction(frame, { maxPayloadBytes }), frame, receivedAt };
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    return { ok: false, error, frame, receivedAt };
  }
}
