import { PsrkitError } from '@psrkit/protocol';

/** What went wrong in a campaign: its input, its settings or its store. */
export type CampaignErrorCode =
  /** A contacts file that cannot be read as a whole (not one bad row: those are problems). */
  | 'INVALID_CONTACTS'
  /** A setting out of range or malformed (`--window`, `--retry-after`, a duration, a zone). */
  | 'INVALID_SETTING'
  /** A campaign id that the store does not hold. */
  | 'NOT_FOUND'
  /** A lifecycle step that the campaign's state does not allow (`resume` a completed one). */
  | 'INVALID_STATE'
  /** The store (database file, Redis) failed or holds something it cannot read. */
  | 'STORE_ERROR';

/** A campaign's error: a stable `code`, and where it happened (`path`: a setting, a line). */
export class CampaignError extends PsrkitError<CampaignErrorCode> {
  /** Always `CampaignError`. */
  override readonly name = 'CampaignError';
  /** The setting, file or field the error is about, when there is one. */
  readonly path: string | undefined;

  constructor(
    code: CampaignErrorCode,
    message: string,
    options: { path?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.path = options.path;
  }
}
