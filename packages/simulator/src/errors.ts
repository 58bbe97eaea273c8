import { numberProblem, PsrkitError } from '@psrkit/protocol';
/** Stable codes of {@link SimulatorError}. */
export type SimulatorErrorCode =
  /** An option is out of range or missing. */
  | 'INVALID_OPTION'
  /** A scenario file is not valid JSON or breaks the scenario schema. */
  | 'INVALID_SCENARIO'
  /** A caller recording cannot be read or decoded. */
  | 'INVALID_CALLER_AUDIO'
  /** A callees file (or `callees` option) is not valid JSON, breaks its schema, or names a recording that cannot be read. */
  | 'INVALID_CALLEES'
  /** The create-stream emulator closed before what was awaited happened. */
  | 'EMULATOR_CLOSED';

/** The emulator refused its input; `path` says where (an option, a scenario field, a file). */
export class SimulatorError extends PsrkitError<SimulatorErrorCode> {
  /** Always `SimulatorError`. */
  override readonly name = 'SimulatorError';
  /** Where: an option (`speed`), a scenario field (`expect[2].withinMs`) or a file. */
  readonly path: string;

  constructor(
    code: SimulatorErrorCode,
    message: string,
    { path, ...options }: { readonly path: string } & ErrorOptions,
  ) {
    super(code, `${path}: ${message}`, options);
    this.path = path;
  }
}

/** Throws INVALID_OPTION unless `value` is a finite number in [min, max]. */
export function checkRange(value: number, path: string, min: number, max: number): number {
  const problem = numberProblem(value, { min, max });
  if (problem) throw new SimulatorError('INVALID_OPTION', problem, { path: path });
  return value;
}
