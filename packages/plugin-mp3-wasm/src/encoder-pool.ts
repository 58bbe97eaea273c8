import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createEncoder, type WasmMediaEncoder } from 'wasm-media-encoders';
import { withInitialMemory } from './initial-memory.js';

/** A WASM LAME instance. */
export type Encoder = WasmMediaEncoder<'audio/mpeg'>;
/** Bitrates LAME's CBR mode takes at 8 kHz (MPEG-2.5); others go to the fallback. */
export const WASM_BITRATES = [8, 16, 24, 32, 40, 48, 64] as const;
/** One of {@link WASM_BITRATES}. */
export type WasmBitrate = (typeof WASM_BITRATES)[number];

const DEFAULT_BITRATE = 32;
/** Node's WebAssembly global (the project compiles without the DOM library). */
const wasm = (
  globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }
).WebAssembly;
/** Memory an instance uses once LAME is set up (7.25 MiB): asked for at the start. */
const LAME_PAGES = 116;

/** Compiles WASM LAME, with the memory it needs from the start: once, for every instance. */
export async function compileLame(): Promise<object> {
  return wasm.compile(
    withInitialMemory(
      await readFile(fileURLToPath(import.meta.resolve('wasm-media-encoders/wasm/mp3'))),
      LAME_PAGES,
    ),
  );
}

/** A WASM LAME instance and what it is ready for. */
export interface PooledEncoder {
  readonly encoder: Encoder;
  /** The bitrate it was last configured for. */
  bitrate: WasmBitrate | undefined;
  /** Used (or never configured) since: configure it before the next stream. */
  dirty: boolean;
}

/** How the pool has been serving streams (the backend's `stats`, less `idle`). */
export interface PoolStats {
  created: number;
  reused: number;
  fallbacks: number;
  configured: number;
  configuredOnStart: number;
}

/** (Re)starts a stream: also what drops an encoder's state before it is reused. */
export function configure(entry: PooledEncoder, bitrate: WasmBitrate): void {
  entry.encoder.configure({ sampleRate: 8000, channels: 1, bitrate, outputSampleRate: 8000 });
  entry.bitrate = bitrate;
  entry.dirty = false;
}

/**
 * WASM LAME encoders kept ready: topped up to `target` in the background (instances are
 * made asynchronously), taken synchronously by a starting stream, given back when it
 * ends (up to `maxIdle`), and configured again between timers and I/O rather than when a
 * stream starts. A class: the encoders and the two background jobs (filling, cleaning)
 * are its state.
 */
export class EncoderPool {
  readonly stats: PoolStats = {
    created: 0,
    reused: 0,
    fallbacks: 0,
    configured: 0,
    configuredOnStart: 0,
  };
  // Ready encoders, each configured for `bitrate` unless `dirty` (used since: it must be
  // configured again, which LAME does by initialising the whole encoder, ~0.5 ms).
  private readonly entries: PooledEncoder[] = [];
  private filling = false;
  private cleaning = false;

  constructor(
    /** The compiled LAME module: every instance shares it. */
    private readonly module: object,
    private readonly target: number,
    private readonly maxIdle: number,
  ) {}

  /** Encoders ready now. */
  get idle(): number {
    return this.entries.length;
  }

  /** Makes encoders until `target` are ready (one job at a time). */
  async topUp(): Promise<void> {
    if (this.filling) return;
    this.filling = true;
    try {
      while (this.entries.length < this.target) {
        const encoder = await createEncoder(
          'audio/mpeg',
          this.module as Parameters<typeof createEncoder>[1],
        );
        this.entries.push({ encoder, bitrate: undefined, dirty: true });
        this.stats.created++;
        this.cleanSoon();
      }
    } finally {
      this.filling = false;
    }
  }

  /** A ready encoder for `bitrate` if there is one, else any (configured when it starts). */
  take(bitrate: WasmBitrate): PooledEncoder | undefined {
    const at = this.entries.findLastIndex((entry) => !entry.dirty && entry.bitrate === bitrate);
    return at < 0 ? this.entries.pop() : this.entries.splice(at, 1)[0];
  }

  /** A stream ended: its encoder is kept (up to `maxIdle`) and cleaned soon. */
  giveBack(done: PooledEncoder): void {
    if (this.entries.length >= this.maxIdle) return;
    this.entries.push(done);
    if (done.dirty) this.cleanSoon();
  }

  // Used encoders are configured again between timers and I/O, not when a stream starts.
  private cleanSoon(): void {
    if (this.cleaning) return;
    this.cleaning = true;
    setImmediate(() => {
      this.cleaning = false;
      // One at a time (each takes LAME ~1 ms), so that many streams ending at once do not
      // hold the event loop: the rest follow in later turns.
      const dirty = this.entries.find((entry) => entry.dirty);
      if (!dirty) return;
      configure(dirty, dirty.bitrate ?? DEFAULT_BITRATE);
      this.stats.configured++;
      if (this.entries.some((entry) => entry.dirty)) this.cleanSoon();
    });
  }
}
