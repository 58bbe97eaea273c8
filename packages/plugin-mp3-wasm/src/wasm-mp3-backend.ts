import {
  lameJsBackend,
  type Mp3EncoderBackend,
  type Mp3EncoderBackendFactory,
  PipelineError,
} from '@psrkit/pipeline';
import {
  compileLame,
  configure,
  type Encoder,
  EncoderPool,
  type PooledEncoder,
  type PoolStats,
  WASM_BITRATES,
  type WasmBitrate,
} from './encoder-pool.js';

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
  const { target, maxIdle } = poolSize(options);
  const fallback = options.fallback ?? lameJsBackend;
  const pool = new EncoderPool(await compileLame(), target, maxIdle);
  const { stats } = pool;
  await pool.topUp();

  const factory: Mp3EncoderBackendFactory = (backendOptions) => {
    const bitrate = backendOptions.bitrateKbps as WasmBitrate;
    const entry =
      backendOptions.sampleRate === 8000 && WASM_BITRATES.includes(bitrate)
        ? pool.take(bitrate)
        : undefined;
    void pool.topUp();
    if (!entry) {
      stats.fallbacks++;
      return fallback(backendOptions);
    }
    stats.reused++;
    return wasmBackend(entry, bitrate, stats, (done) => pool.giveBack(done));
  };
  return Object.defineProperty(factory, 'stats', {
    get: () => ({ ...stats, idle: pool.idle }),
  }) as WasmMp3Backend;
}

/** The pool's size, checked: encoders kept ready, and most kept once their streams ended. */
function poolSize(options: WasmMp3BackendOptions): { target: number; maxIdle: number } {
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
  return { target, maxIdle };
}

function wasmBackend(
  entry: PooledEncoder,
  bitrate: WasmBitrate,
  stats: Pick<PoolStats, 'configured' | 'configuredOnStart'>,
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
