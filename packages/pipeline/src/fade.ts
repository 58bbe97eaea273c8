/**
 * The first `length` samples of `samples` under a raised-cosine fade to silence (fewer
 * if `samples` is shorter): the ending that replaces a click when speech is cut off.
 */
export function fadeOut(samples: Int16Array, length: number): Int16Array {
  const count = Math.min(length, samples.length);
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.round(samples[i]! * fadeGain(i, count));
  return out;
}

/** A raised-cosine glide from `from` to 0 over `length` samples: a fade when no audio follows. */
export function glideToSilence(from: number, length: number): Int16Array {
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.round(from * fadeGain(i, length));
  return out;
}

function fadeGain(i: number, length: number): number {
  return 0.5 * (1 + Math.cos((Math.PI * (i + 1)) / (length + 1)));
}
