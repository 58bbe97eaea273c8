import { numberProblem, PsrkitError } from '@psrkit/protocol';
/** Stable codes of {@link PipelineError}. */
export type PipelineErrorCode =
  | 'INVALID_OPTION'
  | 'INVALID_AUDIO'
  | 'ENCODER_FAILED'
  | 'INVALID_MP3'
  | 'PLUGIN_INCOMPATIBLE'
  | 'STAGE_FAILED';

/** A pipeline stage refused its options or its input, or failed while running. */
export class PipelineError extends PsrkitError<PipelineErrorCode> {
  /** Always `PipelineError`. */
  override readonly name = 'PipelineError';
  /** The stage or option concerned, e.g. `resampler.inputRate`. */
  readonly where: string;

  constructor(
    code: PipelineErrorCode,
    message: string,
    { where, ...options }: { readonly where: string } & ErrorOptions,
  ) {
    super(code, `${where}: ${message}`, options);
    this.where = where;
  }
}

/** Throws INVALID_OPTION unless `value` is an integer in [min, max]. */
export function checkInteger(value: number, where: string, min: number, max: number): number {
  const problem = numberProblem(value, { min, max, integer: true });
  if (problem) throw new PipelineError('INVALID_OPTION', problem, { where: where });
  return value;
}
