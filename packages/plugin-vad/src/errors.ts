/** Stable codes of {@link VadError}. */
export type VadErrorCode = 'INVALID_OPTION' | 'INVALID_FRAME' | 'ENGINE_FAILED' | 'CLOSED';

/** The VAD refused its input or the engine failed. */
export class VadError extends Error {
  override readonly name = 'VadError';
  readonly code: VadErrorCode;

  constructor(code: VadErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
