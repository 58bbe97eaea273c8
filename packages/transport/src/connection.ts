/** What a carrier reports about one PSR connection. */
export interface PsrConnectionEvents {
  /** A whole frame: text as a string, binary as bytes; a text frame that is not valid UTF-8 as bytes with `isBinary` false. */
  message: [data: string | Uint8Array, isBinary: boolean];
  /** The connection is gone (close frame, reset, or `terminate`). Emitted once. */
  close: [code: number, reason: string];
  /** A carrier-level failure (e.g. an oversized frame); `close` follows. */
  error: [error: Error];
}

/**
 * One PSR connection as the call logic sees it. The `ws` server implements it; another
 * carrier (or a test double) can plug in by implementing these few members.
 */
export interface PsrConnection {
  /** Bytes queued for sending and not yet handed to the OS. */
  readonly bufferedAmount: number;
  /** True until the connection starts closing. */
  readonly isOpen: boolean;
  /** Queues one text frame; false when the connection is no longer open. */
  send(text: string): boolean;
  /** Starts a clean close with a WebSocket close code. */
  close(code: number, reason: string): void;
  /** Drops the connection at once (dead peer). */
  terminate(): void;
  /** Listens for the carrier's `message`, `close` and `error`. */
  on<K extends keyof PsrConnectionEvents>(
    event: K,
    listener: (...args: PsrConnectionEvents[K]) => void,
  ): unknown;
}
