import { WASM_BASE64 } from './fir-kernel-wasm.js';

/** The WebAssembly kernel (fir-kernel.wat): one instance per process, its memory a scratch pad. */
interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  decimate(c: number, taps4: number, x: number, step: number, count: number, out: number): void;
}

// Node's WebAssembly global (the project compiles without the DOM library).
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object) => { exports: KernelExports };
    };
  }
).WebAssembly;

// Scratch layout in the kernel's 4 pages (256 KiB): the filter, the input, the output.
const C_AT = 0;
const C_BYTES = 16 * 1024;
const X_AT = C_AT + C_BYTES;
const X_BYTES = 192 * 1024;
const OUT_AT = X_AT + X_BYTES;
const OUT_BYTES = 48 * 1024;

/** The instance and views of its scratch pad (its memory never grows: made once). */
let kernel:
  | { readonly exports: KernelExports; readonly x: Float32Array; readonly result: Int16Array }
  | undefined;
let loadedFilter: Float32Array | undefined;

function load(): NonNullable<typeof kernel> {
  const exports = new wasm.Instance(new wasm.Module(Buffer.from(WASM_BASE64, 'base64'))).exports;
  const memory = exports.memory.buffer;
  return {
    exports,
    x: new Float32Array(memory, X_AT, X_BYTES / 4),
    result: new Int16Array(memory, OUT_AT, OUT_BYTES / 2),
  };
}

/** Largest filter the kernel takes, taps. */
export const MAX_KERNEL_TAPS = C_BYTES / 4;

/** A filter laid out for the kernel: f32, zero-padded to whole 4-tap vectors. */
export function kernelFilter(coefficients: ArrayLike<number>): Float32Array {
  const padded = new Float32Array(Math.ceil(coefficients.length / 4) * 4);
  padded.set(coefficients);
  return padded;
}

/**
 * Integer decimation: `out[outAt + n] = round(Σ_k filter[k] · input[first + n·step + k])`,
 * clamped to int16, for `n` in `[0, count)`, computed in WebAssembly SIMD (f32). Works in
 * blocks that fit the kernel's scratch memory; the result does not depend on them.
 */
export function decimate(
  filter: Float32Array,
  input: Float64Array,
  first: number,
  step: number,
  count: number,
  out: Int16Array,
  outAt: number,
): void {
  kernel ??= load();
  const { exports, x, result } = kernel;
  if (loadedFilter !== filter) {
    new Float32Array(exports.memory.buffer, C_AT, filter.length).set(filter);
    loadedFilter = filter;
  }
  const taps = filter.length;
  const block = Math.min(OUT_BYTES / 2, Math.floor((X_BYTES / 4 - taps) / step) + 1);
  for (let done = 0; done < count; done += block) {
    const n = Math.min(block, count - done);
    const from = first + done * step;
    x.set(input.subarray(from, from + (n - 1) * step + taps));
    exports.decimate(C_AT, taps / 4, X_AT, step, n, OUT_AT);
    out.set(result.subarray(0, n), outAt + done);
  }
}
