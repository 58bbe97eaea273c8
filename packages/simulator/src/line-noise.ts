// Low line noise: what an open phone line carries when nobody speaks.

let tile: Int16Array | undefined;

/**
 * One second of low noise at 8 kHz (RMS ≈ 30, about −60 dBFS), the same on every run: a
 * fixed-seed generator, roughly Gaussian (a sum of four uniforms). Played in a loop where a
 * callee is silent, so that "silence" is never digital zero, as on a real line.
 */
export function lineNoise(): Int16Array {
  if (tile) return tile;
  let seed = 0x2545f491;
  const next = () => {
    // xorshift32
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x1_0000_0000 - 0.5;
  };
  // A sum of four uniforms on [−0.5, 0.5) has a standard deviation of √(4/12) ≈ 0.577.
  const scale = 30 / Math.sqrt(4 / 12);
  tile = Int16Array.from({ length: 8000 }, () =>
    Math.round((next() + next() + next() + next()) * scale),
  );
  return tile;
}
