import { PsrkitError } from '@psrkit/pipeline';

/** Stable codes of {@link EspeakError}. */
export type EspeakErrorCode = 'UNKNOWN_VOICE' | 'INVALID_OPTION' | 'ENGINE_FAILED';

/** The eSpeak NG plugin refused its input or the engine failed. */
export class EspeakError extends PsrkitError<EspeakErrorCode> {
  /** Always `EspeakError`. */
  override readonly name = 'EspeakError';

  constructor(code: EspeakErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
