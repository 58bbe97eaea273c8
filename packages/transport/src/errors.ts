import type { ProtocolErrorCode } from '@psrkit/protocol';
import { numberProblem, PsrkitError } from '@psrkit/protocol';

/** Why one inbound frame (or a parameter of the connection) was refused; the call goes on. */
export type FrameErrorCode =
  | ProtocolErrorCode
  /** A binary WebSocket frame: PSR sends JSON text only. */
  | 'BINARY_FRAME'
  /** `data.call_id` differs from the connection's `call_id` (the frame is still used). */
  | 'CALL_ID_MISMATCH'
  /** A dynamic parameter the library reads (`remote_side`) has a bad value: the default is used. */
  | 'INVALID_PARAMETER'
  /** A text frame whose bytes are not valid UTF-8 (it is refused; the call goes on). */
  | 'INVALID_UTF8'
  /** A `media` frame with more audio than `maxMediaFrameMs`. */
  | 'MEDIA_TOO_LONG'
  /** Caller audio more than `maxAudioAheadMs` ahead of real time: dropped. */
  | 'AUDIO_AHEAD';

/** Stable codes of {@link TransportError}. */
export type TransportErrorCode =
  | FrameErrorCode
  /** The call has ended (or is ending): nothing more can be sent. */
  | 'CALL_CLOSED'
  /** The bot threw or rejected. */
  | 'BOT_FAILED'
  /** No pong or frame from the peer within the heartbeat timeout. */
  | 'HEARTBEAT_TIMEOUT'
  /** An option was out of range. */
  | 'INVALID_OPTION'
  /** The server refused the WebSocket upgrade (client side), or the socket failed. */
  | 'CONNECT_FAILED';

/** Something about a connection or a call went wrong; `callId` says which call when known. */
export class TransportError extends PsrkitError<TransportErrorCode> {
  /** Always `TransportError`. */
  override readonly name = 'TransportError';
  /** The call concerned, when known. */
  readonly callId: string | undefined;
  /** Where in the frame or option, e.g. `$.media.payload` or `server.port`. */
  readonly path: string | undefined;
  /** The HTTP status of a refused upgrade (`CONNECT_FAILED`). */
  readonly status: number | undefined;

  constructor(
    code: TransportErrorCode,
    message: string,
    details: { callId?: string; path?: string; status?: number; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.callId = details.callId;
    this.path = details.path;
    this.status = details.status;
  }
}

/** True when `error` is a {@link TransportError}, optionally with the given code. */
export function isTransportError(
  error: unknown,
  code?: TransportErrorCode,
): error is TransportError {
  return error instanceof TransportError && (code === undefined || error.code === code);
}

/** Throws INVALID_OPTION unless `value` is a whole number in [min, max]. */
export function checkOption(value: number, path: string, min: number, max: number): number {
  const problem = numberProblem(value, { min, max, integer: true });
  if (problem) throw new TransportError('INVALID_OPTION', `${path}: ${problem}`, { path });
  return value;
}
