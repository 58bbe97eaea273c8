import { PsrkitError } from './psrkit-error.js';

/** Stable codes of {@link ProtocolError}; safe to switch on, count and log. */
export type ProtocolErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_UTF8'
  | 'MISSING_FIELD'
  | 'INVALID_FIELD'
  | 'INVALID_BASE64'
  | 'ODD_PCM_LENGTH'
  | 'PAYLOAD_TOO_LARGE'
  | 'INVALID_WAV';

/**
 * Anything PSR (or a server) sent that does not follow the contract.
 *
 * `path` names the offending place: a JSON path such as `$.media.payload` for a frame,
 * `query.call_id` for a connection URL, or a byte offset such as `wav@36` for a WAV file.
 */
export class ProtocolError extends PsrkitError<ProtocolErrorCode> {
  /** Always `ProtocolError`. */
  override readonly name = 'ProtocolError';
  /** Where: a JSON path (`$.media.payload`), a query parameter (`query.call_id`) or a byte offset (`wav@36`). */
  readonly path: string;

  constructor(
    code: ProtocolErrorCode,
    message: string,
    { path, ...options }: { readonly path: string } & ErrorOptions,
  ) {
    super(code, `${path}: ${message}`, options);
    this.path = path;
  }
}

/** True when `error` is a {@link ProtocolError}, optionally with the given code. */
export function isProtocolError(error: unknown, code?: ProtocolErrorCode): error is ProtocolError {
  return ProtocolError.isInstance(error) && (code === undefined || error.code === code);
}
