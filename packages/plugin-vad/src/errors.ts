import { PsrkitError } from '@psrkit/pipeline';
/** Stable codes of {@link VadError}. */
export type VadErrorCode = 'INVALID_OPTION' | 'INVALID_FRAME' | 'ENGINE_FAILED' | 'CLOSED';

/** The VAD refused its input or the engine failed. */
export class VadError extends PsrkitError<VadErrorCode> {
  /** Always `VadError`. */
  override readonly name = 'VadError';

  constructor(code: VadErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
