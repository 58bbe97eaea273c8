import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  lameJsBackend,
  type Mp3EncoderBackend,
  type Mp3EncoderBackendFactory,
  PipelineError,
} from '@psrkit/pipeline';
import { createEncoder, type WasmMediaEncoder } from 'wasm-media-encoders';

type Encoder = WasmMediaEncoder<'audio/mpeg'>;
/** Node's WebAssembly global (the project compiles without the DOM library). */
const wasm = (
  globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }
).WebAssembly;
/** Bitrates LAME's CBR mode takes at 8 kHz (MPEG-2.5); others go to the fallback. */
const WASM_BITRATES = [8, 16, 24, 32, 40, 48, 64] as const;

export interface WasmMp3BackendOptions {
  /** Encoders kept ready (each a WASM instance, reused stream after stream; default 8). */
  readonly idle?: number;
  /** Used when no ready encoder is at hand, or for a bitrate LAME's CBR lacks (default lamejs). */
  readonly fallback?: Mp3EncoderBackendFactory;
}

/** A backend factory on WASM LAME, with how it has been serving streams. */
export interface WasmMp3Backend extends Mp3EncoderBackendFactory {
  readonly stats: { created: number; reused: number; fallbacks: number; idle: number };
}

/**
 * MP3 encoding on LAME in WebAssembly (`wasm-media-encoders`, about 5× lamejs's speed
 * here), as a backend for the pipeline's MP3 stage (`createMp3Encoder({ backend })`,
 * `createPlayoutScheduler({ mp3Backend })`).
 *
 * WASM instances are created asynchronously, so the plugin keeps a few ready and reuses
 * them: a stream takes one (synchronously), gives it back when it ends, and the pool is
 * topped up in the background. Should none be ready, that one stream uses the fallback
 * (lamejs: same framing, 8 kHz CBR whole frames) and `stats.fallbacks` counts it.
 *
 * @example
 * ```ts
 * const backend = await createWasmMp3Backend();
 * const line = createPlayoutScheduler({ mp3Backend: backend });
 * ```
 */
export async function createWasmMp3Backend(
  options: WasmMp3BackendOptions = {},
): Promise<WasmMp3Backend> {
  const target = options.idle ?? 8;
  if (!Number.isInteger(target) || target < 1 || target > 10_000)
    throw new PipelineError(
      'INVALID_OPTION',
      'wasmMp3.idle',
      `must be an integer from 1 to 10000, got ${target}`,
    );
  const fallback = options.fallback ?? lameJsBackend;
  // Compile the WASM once; every instance shares the module.
  const module = await wasm.compile(
    await readFile(fileURLToPath(import.meta.resolve('wasm-media-encoders/wasm/mp3'))),
  );
  const pool: Encoder[] = [];
  const stats = { created: 0, reused: 0, fallbacks: 0 };
  let filling = false;
  const topUp = async (): Promise<void> => {
    if (filling) return;
    filling = true;
    try {
      while (pool.length < target) {
        pool.push(await createEncoder('audio/mpeg', module as Parameters<typeof createEncoder>[1]));
        stats.created++;
      }
    } finally {
      filling = false;
    }
  };
  await topUp();

  const factory: Mp3EncoderBackendFactory = (backendOptions) => {
    const bitrate = backendOptions.bitrateKbps as (typeof WASM_BITRATES)[number];
    const encoder =
      backendOptions.sampleRate === 8000 && WASM_BITRATES.includes(bitrate)
        ? pool.pop()
        : undefined;
    void topUp();
    if (!encoder) {
      stats.fallbacks++;
      return fallback(backendOptions);
    }
    stats.reused++;
    return wasmBackend(encoder, bitrate, (done) => {
      if (pool.length < target * 2) pool.push(done);
    });
  };
  return Object.defineProperty(factory, 'stats', {
    get: () => ({ ...stats, idle: pool.length }),
  }) as WasmMp3Backend;
}

function wasmBackend(
  encoder: Encoder,
  bitrate: (typeof WASM_BITRATES)[number],
  release: (e: Encoder) => void,
): Mp3EncoderBackend {
  let live: Encoder | undefined = encoder;
  /** (Re)starts a stream: also what drops an encoder's state before it is reused. */
  const configure = (target: Encoder) =>
    target.configure({ sampleRate: 8000, channels: 1, bitrate, outputSampleRate: 8000 });
  configure(encoder);
  let scratch = new Float32Array(0);
  const use = (): Encoder => {
    if (!live) throw new PipelineError('ENCODER_FAILED', 'wasmMp3', 'the encoder was closed');
    return live;
  };
  return {
    // LAME's own delay at these settings, as lamejs (576 encoder + 529 decoder samples).
    delaySamples: 1105,
    encode(samples) {
      const encoder = use();
      if (scratch.length < samples.length) scratch = new Float32Array(samples.length);
      const floats = scratch.subarray(0, samples.length);
      for (let i = 0; i < samples.length; i++) floats[i] = samples[i]! / 32768;
      return encoder.encode([floats]).slice(); // the encoder owns its output buffer
    },
    flush() {
      const encoder = use();
      const tail = encoder.finalize().slice();
      configure(encoder); // a new stream may follow
      return tail;
    },
    close() {
      if (!live) return;
      const done = live;
      live = undefined;
      configure(done);
      release(done);
    },
  };
}
