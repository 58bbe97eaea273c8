/** The range a number option must be in. */
export interface NumberRange {
  /** The least value allowed. */
  readonly min: number;
  /** None: no upper bound. */
  readonly max?: number;
  /** Whole numbers only. */
  readonly integer?: boolean;
}

/**
 * What is wrong with a number option, in the words every psrkit error uses
 * (`must be a whole number from 1 to 100, got 0.5`), or `undefined` when it is fine. The
 * one check behind every package's option checks; each throws its own error with it.
 */
export function numberProblem(
  value: number,
  { min, max = Number.POSITIVE_INFINITY, integer }: NumberRange,
): string | undefined {
  const ok = integer ? Number.isInteger(value) : Number.isFinite(value);
  if (ok && value >= min && value <= max) return undefined;
  const range = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `from ${min} to ${max}`;
  return `must be a ${integer ? 'whole number' : 'number'} ${range}, got ${value}`;
}
