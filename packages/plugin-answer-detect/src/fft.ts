const tables = new Map<number, { cos: Float64Array; sin: Float64Array; bits: Uint32Array }>();

function tableFor(size: number) {
  let table = tables.get(size);
  if (!table) {
    const cos = new Float64Array(size / 2);
    const sin = new Float64Array(size / 2);
    for (let i = 0; i < size / 2; i++) {
      cos[i] = Math.cos((2 * Math.PI * i) / size);
      sin[i] = Math.sin((2 * Math.PI * i) / size);
    }
    const bits = new Uint32Array(size);
    const levels = Math.log2(size);
    for (let i = 0; i < size; i++) {
      let reversed = 0;
      for (let b = 0; b < levels; b++) reversed |= ((i >> b) & 1) << (levels - 1 - b);
      bits[i] = reversed;
    }
    table = { cos, sin, bits };
    tables.set(size, table);
  }
  return table;
}

/**
 * Power spectrum of a real signal whose length is a power of two: `size / 2 + 1` bins,
 * bin `k` at `k * sampleRate / size` Hz (a radix-2 FFT; tables cached per size).
 */
export function powerSpectrum(signal: Float64Array): Float64Array {
  const size = signal.length;
  if (size < 2 || (size & (size - 1)) !== 0)
    throw new RangeError(`the FFT takes a power of two, got ${size}`);
  const { cos, sin, bits } = tableFor(size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < size; i++) re[bits[i]!] = signal[i]!;
  for (let half = 1; half < size; half *= 2) {
    const step = size / (2 * half);
    for (let start = 0; start < size; start += 2 * half)
      for (let k = 0; k < half; k++) {
        const c = cos[k * step]!;
        const s = -sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const tr = re[b]! * c - im[b]! * s;
        const ti = re[b]! * s + im[b]! * c;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
  }
  const power = new Float64Array(size / 2 + 1);
  for (let k = 0; k <= size / 2; k++) power[k] = re[k]! * re[k]! + im[k]! * im[k]!;
  return power;
}
