import { PsrkitError } from '@psrkit/pipeline';

/** Stable codes of {@link SttError}. */
export type SttErrorCode =
  /** A bad option, or audio it cannot send (frames at two rates). */
  | 'INVALID_OPTION'
  /** The service answered with an HTTP error (`status` says which). */
  | 'HTTP_ERROR'
  /** No answer within `timeoutMs`. */
  | 'TIMEOUT'
  /** The connection failed or broke. */
  | 'NETWORK_ERROR'
  /** An answer that is not a transcription. */
  | 'INVALID_RESPONSE';

/** A transcription failed; the call goes on (the bot decides what to say). */
export class SttError extends PsrkitError<SttErrorCode> {
  override readonly name = 'SttError';
  /** The HTTP status, for `HTTP_ERROR`. */
  readonly status: number | undefined;

  constructor(
    code: SttErrorCode,
    message: string,
    details: { status?: number; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
  }
}
