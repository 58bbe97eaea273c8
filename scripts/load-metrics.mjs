// The Prometheus text of `/metrics` as `pnpm bench:load` reads it: values, and histogram
// quantiles between two scrapes of each worker.

/** A scrape's values by series (`name{labels}`). */
export function parseMetrics(text) {
  const values = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}
/**
 * Buckets of histogram `name` (only those with label `label`, e.g. `part="total"`, when
 * given) between two scrapes of each worker, summed over the workers.
 */
function bucketsBetween(pairs, name, label = '') {
  const counts = new Map();
  for (const [before, after] of pairs)
    for (const [key, value] of after) {
      if (!key.startsWith(`${name}_bucket{`)) continue;
      const labels = key.slice(key.indexOf('{') + 1, -1).split(',');
      if (label && !labels.includes(label)) continue;
      const bound = labels.find((l) => l.startsWith('le='))?.slice(4, -1);
      if (!bound) continue;
      const le = bound === '+Inf' ? Number.POSITIVE_INFINITY : Number(bound);
      counts.set(le, (counts.get(le) ?? 0) + value - (before.get(key) ?? 0));
    }
  return [...counts.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}
/** histogram_quantile: linear within the bucket, in ms; undefined when empty. */
function quantileMs(buckets, q) {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return lower * 1000;
      return (lower + ((le - lower) * (rank - below)) / Math.max(1, count - below)) * 1000;
    }
    lower = le;
    below = count;
  }
  return lower * 1000;
}
/**
 * Histogram `name` between scrapes (`pairs` of before and after, one per worker): its count,
 * p50 and p99 in ms, and the bound of the highest bucket that holds one.
 */
export function histogram(pairs, name, label) {
  const buckets = bucketsBetween(pairs, name, label);
  const count = buckets.at(-1)?.count ?? 0;
  if (count === 0) return undefined;
  const round = (x) => (x === undefined ? undefined : Math.round(x * 100) / 100);
  // The exact maximum is not kept: the bound of the highest bucket that holds one.
  const top = buckets.find((b) => b.count === count);
  return {
    count,
    p50: round(quantileMs(buckets, 0.5)),
    p99: round(quantileMs(buckets, 0.99)),
    maxAtMost: top && Number.isFinite(top.le) ? round(top.le * 1000) : undefined,
  };
}
