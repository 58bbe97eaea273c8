import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  lameJsBackend,
  type Mp3EncoderBackend,
  type Mp3EncoderBackendFactory,
  PipelineError,
} from '@psrkit/pipeline';
import { createEncoder, type WasmMediaEncoder } from 'wasm-media-encoders';
import { withInitialMemory } from './initial-memory.js';

type Encoder = WasmMediaEncoder<'audio/mpeg'>;
/** Node's WebAssembly global (the project compiles without the DOM library). */
const wasm = (
  globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }
).WebAssembly;
/** Memory an instance uses once LAME is set up (7.25 MiB): asked for at the start. */
const LAME_PAGES = 116;
/** Bitrates LAME's CBR mode takes at 8 kHz (MPEG-2.5); others go to the fallback. */
const WASM_BITRATES = [8, 16, 24, 32, 40, 48, 64] as const;

/** Options of {@link createWasmMp3Backend}. */
export interface WasmMp3BackendOptions {
  /** Encoders kept ready (each a WASM instance, reused stream after stream; default 8). */
  readonly idle?: number;
  /**
   * Most encoders kept once their streams ended (default 1024). Each is a WASM instance
   * with its own memory (~0.3 MB resident): making one and letting it go costs far more
   * than keeping it — thrown-away instances make V8 run full garbage collections, many a
   * second under load — so the pool keeps what a busy moment needed.
   */
  readonly maxIdle?: number;
  /** Used when no ready encoder is at hand, or for a bitrate LAME's CBR lacks (default lamejs). */
  readonly fallback?: Mp3EncoderBackendFactory;
}

/** A backend factory on WASM LAME, with how it has been serving streams. */
export interface WasmMp3Backend extends Mp3EncoderBackendFactory {
  /**
   * `configured`: LAME initialisations (one per stream, mostly done between timers and I/O
   * before the stream starts); `configuredOnStart`: those a starting stream had to wait for.
   */
  readonly stats: {
    created: number;
    reused: number;
    fallbacks: number;
    idle: number;
    configured: number;
    configuredOnStart: number;
  };
}

/**
 * MP3 encoding on LAME in WebAssembly (`wasm-media-encoders`, about 5× lamejs's speed
 * here), as a backend for the pipeline's MP3 stage (`createMp3Encoder({ backend })`,
 * `createPlayoutLine(sink, { mp3Backend })`).
 *
 * WASM instances are created asynchronously, so the plugin keeps a few ready and reuses
 * them: a stream takes one (synchronously), gives it back when it ends, and the pool is
 * topped up in the background. Should none be ready, that one stream uses the fallback
 * (lamejs: same framing, 8 kHz CBR whole frames) and `stats.fallbacks` counts it.
 *
 * @example
 * ```ts
 * const backend = await createWasmMp3Backend();
 * const line = createPlayoutLine(sink, { mp3Backend: backend });
 * ```
 */
export async function createWasmMp3Backend(
  options: WasmMp3BackendOptions = {},
): Promise<WasmMp3Backend> {
  const target = options.idle ?? 8;
  if (!Number.isInteger(target) || target < 1 || target > 10_000)
    throw new PipelineError('INVALID_OPTION', `must be an integer from 1 to 10000, got ${target}`, {
      where: 'wasmMp3.idle',
    });
  const maxIdle = options.maxIdle ?? 1024;
  if (!Number.isInteger(maxIdle) || maxIdle < target || maxIdle > 100_000)
    throw new PipelineError(
      'INVALID_OPTION',
      `must be an integer from idle (${target}) to 100000, got ${maxIdle}`,
      { where: 'wasmMp3.maxIdle' },
    );
  const fallback = options.fallback ?? lameJsBackend;
  // Compile the WASM once; every instance shares the module.
  const module = await wasm.compile(
    withInitialMemory(
      await readFile(fileURLToPath(import.meta.resolve('wasm-media-encoders/wasm/mp3'))),
      LAME_PAGES,
    ),
  );
  // Ready encoders, each configured for `bitrate` unless `dirty` (used since: it must be
  // configured again, which LAME does by initialising the whole encoder, ~0.5 ms).
  const pool: PooledEncoder[] = [];
  const stats = { created: 0, reused: 0, fallbacks: 0, configured: 0, configuredOnStart: 0 };
  let filling = false;
  const topUp = async (): Promise<void> => {
    if (filling) return;
    filling = true;
    try {
      while (pool.length < target) {
        const encoder = await createEncoder(
          'audio/mpeg',
          module as Parameters<typeof createEncoder>[1],
        );
        pool.push({ encoder, bitrate: undefined, dirty: true });
        stats.created++;
        cleanSoon();
      }
    } finally {
      filling = false;
    }
  };
  // Used encoders are configured again between timers and I/O, not when a stream starts.
  let cleaning = false;
  const cleanSoon = () => {
    if (cleaning) return;
    cleaning = true;
    setImmediate(() => {
      cleaning = false;
      // One at a time (each takes LAME ~1 ms), so that many streams ending at once do not
      // hold the event loop: the rest follow in later turns.
      const dirty = pool.find((entry) => entry.dirty);
      if (!dirty) return;
      configure(dirty, dirty.bitrate ?? DEFAULT_BITRATE);
      stats.configured++;
      if (pool.some((entry) => entry.dirty)) cleanSoon();
    });
  };
  await topUp();
  /** A ready encoder for `bitrate` if there is one, else any (configured when it starts). */
  const take = (bitrate: number): PooledEncoder | undefined => {
    const at = pool.findLastIndex((entry) => !entry.dirty && entry.bitrate === bitrate);
    return at < 0 ? pool.pop() : pool.splice(at, 1)[0];
  };

  const factory: Mp3EncoderBackendFactory = (backendOptions) => {
    const bitrate = backendOptions.bitrateKbps as (typeof WASM_BITRATES)[number];
    const entry =
      backendOptions.sampleRate === 8000 && WASM_BITRATES.includes(bitrate)
        ? take(bitrate)
        : undefined;
    void topUp();
    if (!entry) {
      stats.fallbacks++;
      return fallback(backendOptions);
    }
    stats.reused++;
    return wasmBackend(entry, bitrate, stats, (done) => {
      if (pool.length >= maxIdle) return;
      pool.push(done);
      if (done.dirty) cleanSoon();
    });
  };
  return Object.defineProperty(factory, 'stats', {
    get: () => ({ ...stats, idle: pool.length }),
  }) as WasmMp3Backend;
}

/** A WASM LAME instance and what it is ready for. */
interface PooledEncoder {
  readonly encoder: Encoder;
  /** The bitrate it was last configured for. */
  bitrate: (typeof WASM_BITRATES)[number] | undefined;
  /** Used (or never configured) since: configure it before the next stream. */
  dirty: boolean;
}

const DEFAULT_BITRATE = 32;

/** (Re)starts a stream: also what drops an encoder's state before it is reused. */
function configure(entry: PooledEncoder, bitrate: (typeof WASM_BITRATES)[number]): void {
  entry.encoder.configure({ sampleRate: 8000, channels: 1, bitrate, outputSampleRate: 8000 });
  entry.bitrate = bitrate;
  entry.dirty = false;
}

function wasmBackend(
  entry: PooledEncoder,
  bitrate: (typeof WASM_BITRATES)[number],
  stats: { configured: number; configuredOnStart: number },
  release: (entry: PooledEncoder) => void,
): Mp3EncoderBackend {
  let live: PooledEncoder | undefined = entry;
  let scratch = new Float32Array(0);
  let streaming = false;
  /** The encoder, configured once per stream (the first after a flush starts a new one). */
  const ready = (): Encoder => {
    if (!live)
      throw new PipelineError('ENCODER_FAILED', 'the encoder was closed', { where: 'wasmMp3' });
    if (!streaming) {
      if (live.dirty || live.bitrate !== bitrate) {
        configure(live, bitrate);
        stats.configured++;
        stats.configuredOnStart++;
      }
      streaming = true;
      live.dirty = true; // from now on it holds this stream's state
    }
    return live.encoder;
  };
  return {
    // LAME's own delay at these settings, as lamejs (576 encoder + 529 decoder samples).
    delaySamples: 1105,
    encode(samples) {
      const encoder = ready();
      if (scratch.length < samples.length) scratch = new Float32Array(samples.length);
      const floats = scratch.subarray(0, samples.length);
      for (let i = 0; i < samples.length; i++) floats[i] = samples[i]! / 32768;
      return encoder.encode([floats]).slice(); // the encoder owns its output buffer
    },
    flush() {
      const encoder = ready();
      const tail = encoder.finalize().slice();
      streaming = false; // a new stream may follow: configured when it starts
      return tail;
    },
    close() {
      if (!live) return;
      const done = live;
      live = undefined;
      release(done);
    },
  };
}
