/** Nearest-rank percentiles of a set of figures, ms. */
export interface Percentiles {
  /** How many figures. */
  readonly count: number;
  /** The 1st percentile. */
  readonly p1: number;
  /** The median. */
  readonly p50: number;
  /** The 95th percentile. */
  readonly p95: number;
  /** The 99th percentile. */
  readonly p99: number;
  /** The largest. */
  readonly max: number;
}

/** Nearest-rank percentiles of `values` (undefined when empty). */
export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1))]!;
  return {
    count: sorted.length,
    p1: rank(0.01),
    p50: rank(0.5),
    p95: rank(0.95),
    p99: rank(0.99),
    max: sorted.at(-1)!,
  };
}
