import { PsrkitError } from '@psrkit/pipeline';

/** Stable codes of {@link TtsCacheError}. */
export type TtsCacheErrorCode =
  /** A bad option of `createTtsCache` (no folder, a size cap that is not a positive integer). */
  | 'INVALID_OPTION'
  /** A template that cannot be read: a `{` never closed, a `}` never opened, an empty name. */
  | 'INVALID_TEMPLATE'
  /** A template names a placeholder the parameters do not have. */
  | 'UNKNOWN_PLACEHOLDER'
  /** A parameter's value cannot go into speech: empty, too long, or with control characters. */
  | 'INVALID_PARAM'
  /** A cached entry failed its checks (length, header, checksum): it was deleted and treated as a miss. */
  | 'CORRUPT_ENTRY'
  /** The cache folder failed (unwritable, full disk): the cache passes speech through for a while. */
  | 'FOLDER_FAILED';

/**
 * A prompt cache's error. Template errors (`INVALID_TEMPLATE`, `UNKNOWN_PLACEHOLDER`,
 * `INVALID_PARAM`) are thrown to the caller; folder errors (`CORRUPT_ENTRY`,
 * `FOLDER_FAILED`) never reach a call — they are logged, counted, and the speech goes on
 * through the engine.
 */
export class TtsCacheError extends PsrkitError<TtsCacheErrorCode> {
  /** Always `TtsCacheError`. */
  override readonly name = 'TtsCacheError';
  /** What it is about: an option's name, a placeholder, a parameter, a cache file. */
  readonly subject: string | undefined;

  constructor(
    code: TtsCacheErrorCode,
    message: string,
    details: { subject?: string; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.subject = details.subject;
  }
}

/** `text` for a message, cut to `max` characters (a caller's or an attacker's text). */
export function shortText(text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
