import fc from 'fast-check';

/** Runs per property; `pnpm fuzz` sets FUZZ_RUNS=1000000. */
export const numRuns = Number(process.env['FUZZ_RUNS'] ?? 300);

/** A valid payload with up to 8 bytes overwritten, cut anywhere. */
const mutated = (valid: Uint8Array) =>
  fc
    .record({
      writes: fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
        maxLength: 8,
      }),
      cut: fc.nat(valid.length),
    })
    .map(({ writes, cut }) => {
      const bytes = valid.slice(0, cut);
      for (const [at, value] of writes) if (at < bytes.length) bytes[at] = value;
      return bytes;
    });

/** Random bytes, or `valid` mutated. */
export const anyBytes = (valid: Uint8Array) =>
  fc.oneof(fc.uint8Array({ maxLength: 600 }), mutated(valid));
