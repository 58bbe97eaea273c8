import { TtsError } from '@psrkit/pipeline';
import { cutShort } from '@psrkit/protocol';
import WebSocket from 'ws';
import { type CartesiaFrame, parseFrame, refusalError } from './cartesia-message.js';

/** A context's side of the shared socket. */
export interface ContextListener {
  /** The socket is open: the context may send its requests. */
  opened(): void;
  /** A message about this context. */
  message(frame: CartesiaFrame): void;
  /** The socket failed (or was closed): this context is over. */
  failed(error: TtsError): void;
}

/** The shared socket: none, being opened (with its deadline), or open. */
type Link =
  | { readonly state: 'closed' }
  | { readonly state: 'connecting'; readonly socket: WebSocket; readonly timer: NodeJS.Timeout }
  | { readonly state: 'open'; readonly socket: WebSocket };

/**
 * One WebSocket to Cartesia shared by every speech of a plugin instance, as Cartesia
 * recommends: opened when a context needs it, messages routed to their context by
 * `context_id`, reopened on the next speech after Cartesia closes it (it does after 5
 * minutes idle). When the socket fails, every context on it fails; garbage from the
 * service (not JSON) cannot be laid at one context's door, so it fails them all too.
 */
export class CartesiaConnection {
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #contexts = new Map<string, ContextListener>();
  #link: Link = { state: 'closed' };

  constructor(url: string, timeoutMs: number, headers: Readonly<Record<string, string>>) {
    this.#url = url;
    this.#timeoutMs = timeoutMs;
    this.#headers = headers;
  }

  /** Routes `contextId`'s messages to `listener`, opening the socket if needed. */
  attach(contextId: string, listener: ContextListener): void {
    this.#contexts.set(contextId, listener);
    if (this.#link.state === 'closed') this.#connect();
    else if (this.#link.state === 'open') listener.opened();
  }

  /** Stops routing `contextId`'s messages (late ones are dropped). */
  detach(contextId: string): void {
    this.#contexts.delete(contextId);
  }

  /** Sends a request, if the socket is open. */
  send(request: Readonly<Record<string, unknown>>): void {
    if (this.#link.state === 'open') this.#link.socket.send(JSON.stringify(request));
  }

  /** Closes the socket; speeches on it fail with `NETWORK_ERROR`. */
  close(): void {
    const message = 'the connection to Cartesia was closed by close()';
    this.#failAll(new TtsError('NETWORK_ERROR', message), 'close');
  }

  #connect() {
    const socket = new WebSocket(this.#url, { headers: { ...this.#headers } });
    const timer = setTimeout(
      () =>
        this.#on(socket, () =>
          this.#failAll(
            new TtsError('TIMEOUT', `no connection to Cartesia within ${this.#timeoutMs} ms`),
          ),
        ),
      this.#timeoutMs,
    );
    this.#link = { state: 'connecting', socket, timer };
    socket.on('unexpected-response', (_request, response) =>
      this.#on(socket, () => {
        const status = response.statusCode ?? 0;
        const message = `Cartesia refused the connection: ${status}`;
        this.#failAll(new TtsError('HTTP_ERROR', message, { status }));
      }),
    );
    socket.on('open', () => this.#on(socket, () => this.#opened(socket)));
    socket.on('message', (data, isBinary) =>
      this.#on(socket, () => this.#received(data.toString(), isBinary)),
    );
    socket.on('close', (code, reason) =>
      this.#on(socket, () => {
        const why = `${code}${reason.length > 0 ? `: ${cutShort(reason.toString())}` : ''}`;
        const message = `the connection to Cartesia closed (${why}) before the speech ended`;
        this.#failAll(new TtsError('NETWORK_ERROR', message));
      }),
    );
    socket.on('error', (error) =>
      this.#on(socket, () => {
        const message = `the connection to Cartesia failed: ${cutShort(error.message)}`;
        this.#failAll(new TtsError('NETWORK_ERROR', message, { cause: error }));
      }),
    );
  }

  /** Runs `handle` for an event of the current socket; an old socket's events are ignored. */
  #on(socket: WebSocket, handle: () => void) {
    if (this.#link.state !== 'closed' && this.#link.socket === socket) handle();
  }

  #opened(socket: WebSocket) {
    if (this.#link.state === 'connecting') clearTimeout(this.#link.timer);
    this.#link = { state: 'open', socket };
    for (const listener of [...this.#contexts.values()]) listener.opened();
  }

  #received(text: string, isBinary: boolean) {
    let frame: CartesiaFrame;
    try {
      if (isBinary)
        throw new TtsError('INVALID_RESPONSE', 'Cartesia sent a binary frame, not JSON');
      frame = parseFrame(text);
    } catch (error) {
      return this.#failAll(error as TtsError);
    }
    const listener =
      frame.contextId === undefined ? undefined : this.#contexts.get(frame.contextId);
    if (listener) listener.message(frame);
    else if (frame.contextId === undefined && frame.body['type'] === 'error')
      this.#failAll(refusalError(frame.body)); // about the connection, not a context
  }

  /**
   * Every context fails with `error`; the socket is dropped, or closed cleanly when asked
   * to (the next speech opens another).
   */
  #failAll(error: TtsError, end: 'close' | 'terminate' = 'terminate') {
    const link = this.#link;
    this.#link = { state: 'closed' };
    if (link.state === 'connecting') clearTimeout(link.timer);
    if (link.state === 'open' && end === 'close') link.socket.close(1000);
    else if (link.state !== 'closed' && link.socket.readyState !== WebSocket.CLOSED)
      link.socket.terminate();
    const listeners = [...this.#contexts.values()];
    this.#contexts.clear();
    for (const listener of listeners) listener.failed(error);
  }
}
