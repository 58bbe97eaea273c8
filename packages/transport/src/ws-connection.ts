import { isUtf8 } from 'node:buffer';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { PsrConnection, PsrConnectionEvents } from './connection.js';

/** A `ws` socket as a {@link PsrConnection}, with the liveness the heartbeat reads. */
export class WsConnection extends EventEmitter<PsrConnectionEvents> implements PsrConnection {
  /** When the peer was last heard from (a frame or a pong), `Date.now()` ms. */
  lastSeen = Date.now();

  constructor(readonly socket: WebSocket) {
    super();
    socket.on('message', (data, isBinary) => {
      this.lastSeen = Date.now();
      const bytes = toBytes(data);
      // ws leaves UTF-8 to us (`skipUTF8Validation`): a bad text frame is one refused frame,
      // handed on as bytes, not a reason to close the call (1007).
      this.emit('message', isBinary || !isUtf8(bytes) ? bytes : bytes.toString('utf8'), isBinary);
    });
    socket.on('pong', () => {
      this.lastSeen = Date.now();
    });
    socket.on('error', (error) => this.emit('error', error));
    socket.on('close', (code, reason) => this.emit('close', code, reason.toString('utf8')));
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.socket.send(text);
    return true;
  }

  close(code: number, reason: string): void {
    if (
      this.socket.readyState === WebSocket.OPEN ||
      this.socket.readyState === WebSocket.CONNECTING
    )
      this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  ping(): void {
    if (this.isOpen) this.socket.ping();
  }
}

function toBytes(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
