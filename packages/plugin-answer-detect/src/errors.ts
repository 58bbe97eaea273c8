import { PsrkitError } from '@psrkit/pipeline';

/** Stable codes of {@link AnswerDetectError}. */
export type AnswerDetectErrorCode =
  /** An option out of range (which one is in the message). */
  | 'INVALID_OPTION'
  /** Audio the detector cannot take: a rate the VAD refuses, a change of rate, two sides mixed. */
  | 'INVALID_AUDIO'
  /** A phrase list that does not have the documented shape. */
  | 'INVALID_PHRASES';

/** The answer detector refused its options, its audio or a phrase list. */
export class AnswerDetectError extends PsrkitError<AnswerDetectErrorCode> {
  /** Always `AnswerDetectError`. */
  override readonly name = 'AnswerDetectError';

  constructor(code: AnswerDetectErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
