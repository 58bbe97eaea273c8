import { checkInteger, PipelineError } from './errors.js';
import { decimate, kernelFilter, MAX_KERNEL_TAPS } from './fir-kernel.js';

/**
 * `standard`: passband flat to 85 % of the lower Nyquist frequency, 86 dB Kaiser design
 * (≥ 80 dB measured) from 115 % of it (for 8 kHz: flat to 3.4 kHz, rejected from 4.6 kHz).
 * `high`: flat to 90 %, ≥ 100 dB from 100 % (no aliasing at all); about 2.5× the work.
 */
export type ResamplerQuality = 'standard' | 'high';

/** Options of {@link createResampler}. */
export interface ResamplerOptions {
  /** Input sample rate in Hz. */
  readonly inputRate: number;
  /** Output sample rate in Hz. */
  readonly outputRate: number;
  /** Filter design; `standard` by default. */
  readonly quality?: ResamplerQuality;
}

/** A streaming sample-rate converter for mono 16-bit audio. */
export interface Resampler {
  /** Input sample rate, Hz. */
  readonly inputRate: number;
  /** Output sample rate, Hz. */
  readonly outputRate: number;
  /**
   * Output samples the converter holds back at any time (its latency): the filter's
   * group delay, in output samples. The output itself is time-aligned with the input:
   * output sample `n` is the input at time `n / outputRate`, with no leading delay.
   */
  readonly delaySamples: number;
  /** Converts the next piece of input; returns what can be computed so far. */
  push(samples: Int16Array): Int16Array;
  /**
   * Ends the stream: returns the rest, so that the whole output is exactly
   * `ceil(inputSamples * outputRate / inputRate)` samples long. The converter is then
   * ready for a new stream.
   */
  flush(): Int16Array;
}

const DESIGNS = {
  standard: { pass: 0.85, stop: 1.15, attenuationDb: 86 },
  high: { pass: 0.9, stop: 1.0, attenuationDb: 100 },
} as const;

const MAX_RATE = 384_000;

/**
 * Creates a band-limited streaming resampler: a Kaiser-windowed sinc filter in polyphase
 * form, for any pair of integer rates (44 100 → 8 000 included).
 *
 * @example
 * ```ts
 * const resampler = createResampler({ inputRate: 24000, outputRate: 8000 });
 * const out = [resampler.push(piece1), resampler.push(piece2), resampler.flush()];
 * ```
 */
export function createResampler(options: ResamplerOptions): Resampler {
  return new PolyphaseResampler(options);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const half = x / 2;
  for (let k = 1; k < 50; k++) {
    term *= (half / k) * (half / k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** A polyphase filter for one pair of rates, shared by every resampler that uses it. */
interface Filter {
  readonly up: number; // L
  readonly down: number; // M
  readonly taps: number; // K, per phase
  readonly coefficients: Float64Array; // L × K
  readonly firstInput: Int32Array; // per phase: input offset of its first tap
  readonly lookBehind: number; // zeros that precede the stream (= −min firstInput)
  readonly delaySamples: number;
  // Integer decimation (L = 1): the filter for the WebAssembly SIMD kernel.
  readonly kernel: Float32Array | undefined;
}

// Filters by rates and quality: a server makes a resampler per stream, with a few designs.
const filters = new Map<string, Filter>();
const MAX_FILTERS = 64;

function filterFor(inputRate: number, outputRate: number, quality: ResamplerQuality): Filter {
  const key = `${inputRate}/${outputRate}/${quality}`;
  let filter = filters.get(key);
  if (!filter) {
    if (filters.size >= MAX_FILTERS) filters.clear();
    filter = designFilter(inputRate, outputRate, DESIGNS[quality]);
    filters.set(key, filter);
  }
  return filter;
}

function designFilter(
  inputRate: number,
  outputRate: number,
  design: (typeof DESIGNS)[ResamplerQuality],
): Filter {
  const divisor = gcd(inputRate, outputRate);
  const L = outputRate / divisor;
  const down = inputRate / divisor;

  // Prototype low-pass on the upsampled grid (rate L × inputRate).
  const upRate = inputRate * L;
  const nyquist = Math.min(inputRate, outputRate) / 2;
  const pass = design.pass * nyquist;
  const stop = design.stop * nyquist;
  const cutoff = (pass + stop) / 2 / upRate; // cycles per upsampled sample
  const transition = (2 * Math.PI * (stop - pass)) / upRate;
  const order = Math.ceil((design.attenuationDb - 8) / (2.285 * transition));
  const half = Math.ceil(order / 2); // H: the prototype spans [-H, H]
  const beta = 0.1102 * (design.attenuationDb - 8.7);
  const i0Beta = besselI0(beta);
  const prototype = (u: number): number => {
    const x = u / half;
    const window = besselI0(beta * Math.sqrt(Math.max(0, 1 - x * x))) / i0Beta;
    const sinc = u === 0 ? 1 : Math.sin(2 * Math.PI * cutoff * u) / (2 * Math.PI * cutoff * u);
    return 2 * cutoff * sinc * window;
  };

  // Phase p computes output at upsampled position a·L + p from inputs j with
  // |a·L + p − j·L| ≤ H, i.e. j from a + ceil((p − H)/L) to a + floor((p + H)/L).
  const firstInput = new Int32Array(L);
  let taps = 0;
  for (let p = 0; p < L; p++) {
    firstInput[p] = Math.ceil((p - half) / L);
    taps = Math.max(taps, Math.floor((p + half) / L) - firstInput[p]! + 1);
  }
  const coefficients = new Float64Array(L * taps);
  for (let p = 0; p < L; p++) {
    let sum = 0;
    const row = new Float64Array(taps);
    for (let m = 0; m < taps; m++) {
      const u = p - (firstInput[p]! + m) * L;
      row[m] = Math.abs(u) <= half ? prototype(u) : 0;
      sum += row[m]!;
    }
    for (let m = 0; m < taps; m++) coefficients[p * taps + m] = row[m]! / sum; // unity DC gain per phase
  }
  return {
    up: L,
    down,
    taps,
    coefficients,
    firstInput,
    lookBehind: -Math.min(...firstInput),
    delaySamples: (half / L) * (outputRate / inputRate),
    kernel: L === 1 && taps <= MAX_KERNEL_TAPS ? kernelFilter(coefficients) : undefined,
  };
}

class PolyphaseResampler implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly delaySamples: number;
  private readonly filter: Filter;
  private buffer: Float64Array;
  private bufferStart = 0; // absolute input index of buffer[0]
  private bufferLength = 0;
  private received = 0; // real input samples so far
  private produced = 0; // output samples so far
  private base = 0; // a: input index part of the next output's position
  private phase = 0; // p: sub-sample phase of the next output's position

  constructor(options: ResamplerOptions) {
    this.inputRate = checkInteger(options.inputRate, 'resampler.inputRate', 1000, MAX_RATE);
    this.outputRate = checkInteger(options.outputRate, 'resampler.outputRate', 1000, MAX_RATE);
    const quality = options.quality ?? 'standard';
    if (!DESIGNS[quality])
      throw new PipelineError(
        'INVALID_OPTION',
        `must be "standard" or "high", got ${JSON.stringify(quality)}`,
        { where: 'resampler.quality' },
      );
    this.filter = filterFor(this.inputRate, this.outputRate, quality);
    this.delaySamples = this.filter.delaySamples;
    this.buffer = new Float64Array(Math.max(4096, this.filter.taps * 4));
    this.reset();
  }

  push(samples: Int16Array): Int16Array {
    this.append(samples, samples.length);
    this.received += samples.length;
    return this.produce(Number.POSITIVE_INFINITY);
  }

  flush(): Int16Array {
    const total = Math.ceil((this.received * this.filter.up) / this.filter.down);
    // Enough trailing zeros for the last output's window.
    const lastBase = Math.floor(((total - 1) * this.filter.down) / this.filter.up);
    const needed =
      lastBase +
      this.filter.lookBehind +
      this.filter.taps +
      1 -
      (this.bufferStart + this.bufferLength);
    if (needed > 0) this.append(undefined, needed);
    const out = total > this.produced ? this.produce(total - this.produced) : new Int16Array(0);
    this.reset();
    return out;
  }

  private reset(): void {
    this.bufferStart = -this.filter.lookBehind;
    this.bufferLength = this.filter.lookBehind;
    this.buffer.fill(0, 0, this.filter.lookBehind);
    this.received = 0;
    this.produced = 0;
    this.base = 0;
    this.phase = 0;
  }

  /** Appends `count` samples (zeros when `samples` is undefined), compacting as needed. */
  private append(samples: Int16Array | undefined, count: number): void {
    // Inputs before the next output's first tap are no longer needed.
    const keepFrom = this.base - this.filter.lookBehind - this.bufferStart;
    if (keepFrom > 0 && this.bufferLength + count > this.buffer.length) {
      this.buffer.copyWithin(0, keepFrom, this.bufferLength);
      this.bufferLength -= keepFrom;
      this.bufferStart += keepFrom;
    }
    if (this.bufferLength + count > this.buffer.length) {
      const grown = new Float64Array(Math.max(this.buffer.length * 2, this.bufferLength + count));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    if (samples) {
      const buffer = this.buffer;
      const at = this.bufferLength;
      for (let i = 0; i < count; i++) buffer[at + i] = samples[i]!;
    } else {
      this.buffer.fill(0, this.bufferLength, this.bufferLength + count);
    }
    this.bufferLength += count;
  }

  private produce(limit: number): Int16Array {
    const { up, down, taps, coefficients, firstInput } = this.filter;
    const { buffer } = this;
    const available = this.bufferStart + this.bufferLength; // one past the last input index
    const estimate = Math.min(limit, Math.ceil(((available - this.base) * up) / down) + 1);
    const out = new Int16Array(Math.max(0, estimate));
    let count = 0;
    let base = this.base;
    let phase = this.phase;
    const start = this.bufferStart;
    if (this.filter.kernel) {
      // Every output whose window is in: one call into the SIMD kernel.
      const ready = Math.floor((available - taps - base - firstInput[0]!) / down) + 1;
      count = Math.max(0, Math.min(estimate, ready));
      decimate(this.filter.kernel, buffer, base + firstInput[0]! - start, down, count, out, 0);
      base += count * down;
    } else if (up === 1) {
      // Integer decimation: two outputs per pass share every coefficient load.
      while (count + 1 < estimate) {
        const first = base + firstInput[0]! - start;
        if (first + down + taps > available - start) break;
        symmetricDot2(coefficients, buffer, first, down, taps, out, count);
        count += 2;
        base += 2 * down;
      }
    }
    while (count < estimate) {
      const first = base + firstInput[phase]! - start;
      if (first + taps > available - start) break;
      let value: number;
      if (up === 1) {
        value = Math.round(symmetricDot(coefficients, buffer, first, taps));
      } else {
        value = Math.round(dot(coefficients, phase * taps, buffer, first, taps));
      }
      out[count++] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
      phase += down;
      if (phase >= up) {
        const carry = Math.floor(phase / up);
        base += carry;
        phase -= carry * up;
      }
    }
    this.base = base;
    this.phase = phase;
    this.produced += count;
    return count === out.length ? out : out.slice(0, count);
  }
}

/** Σ c[row + k]·x[at + k] over `taps` terms, four accumulators to keep the FPU busy. */
function dot(c: Float64Array, row: number, x: Float64Array, at: number, taps: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < taps; k += 4) {
    s0 += c[row + k]! * x[at + k]!;
    s1 += c[row + k + 1]! * x[at + k + 1]!;
    s2 += c[row + k + 2]! * x[at + k + 2]!;
    s3 += c[row + k + 3]! * x[at + k + 3]!;
  }
  for (; k < taps; k++) s0 += c[row + k]! * x[at + k]!;
  return s0 + s1 + s2 + s3;
}

/** {@link symmetricDot} for the outputs at `at` and `at + step`, written to `out[index]` and `out[index + 1]`. */
function symmetricDot2(
  c: Float64Array,
  x: Float64Array,
  at: number,
  step: number,
  taps: number,
  out: Int16Array,
  index: number,
): void {
  const center = (taps - 1) >> 1;
  const last = at + taps - 1;
  const at2 = at + step;
  const last2 = last + step;
  let s0 = c[center]! * x[at + center]!;
  let t0 = c[center]! * x[at2 + center]!;
  let s1 = 0;
  let t1 = 0;
  let k = 0;
  for (; k + 1 < center; k += 2) {
    const c0 = c[k]!;
    const c1 = c[k + 1]!;
    s0 += c0 * (x[at + k]! + x[last - k]!);
    t0 += c0 * (x[at2 + k]! + x[last2 - k]!);
    s1 += c1 * (x[at + k + 1]! + x[last - k - 1]!);
    t1 += c1 * (x[at2 + k + 1]! + x[last2 - k - 1]!);
  }
  for (; k < center; k++) {
    s0 += c[k]! * (x[at + k]! + x[last - k]!);
    t0 += c[k]! * (x[at2 + k]! + x[last2 - k]!);
  }
  const a = Math.round(s0 + s1);
  const b = Math.round(t0 + t1);
  out[index] = a > 32767 ? 32767 : a < -32768 ? -32768 : a;
  out[index + 1] = b > 32767 ? 32767 : b < -32768 ? -32768 : b;
}

/**
 * The same for an odd, symmetric filter (integer decimation has a single phase, which is
 * symmetric): pairs of inputs share a coefficient, halving the multiplications.
 */
function symmetricDot(c: Float64Array, x: Float64Array, at: number, taps: number): number {
  const center = (taps - 1) >> 1;
  let s0 = c[center]! * x[at + center]!;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  const last = at + taps - 1;
  for (; k + 3 < center; k += 4) {
    s0 += c[k]! * (x[at + k]! + x[last - k]!);
    s1 += c[k + 1]! * (x[at + k + 1]! + x[last - k - 1]!);
    s2 += c[k + 2]! * (x[at + k + 2]! + x[last - k - 2]!);
    s3 += c[k + 3]! * (x[at + k + 3]! + x[last - k - 3]!);
  }
  for (; k < center; k++) s0 += c[k]! * (x[at + k]! + x[last - k]!);
  return s0 + s1 + s2 + s3;
}
