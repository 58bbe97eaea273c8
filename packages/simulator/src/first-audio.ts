// Time to first audio, for text-to-speech plugins' benchmarks: what psrkit adds between an
// engine's first audio bytes and the first `chunk` on the socket. The engine is a local
// fake of the service (in this process, so both ends read one clock); the call is a real
// WebSocket on loopback, answered by a bot that streams the plugin's speech.
import { performance } from 'node:perf_hooks';
import { type AnyTextToSpeech, asTextToSpeechV2, speechAudio } from '@psrkit/pipeline';
import { createPsrServer, silentLogger } from '@psrkit/transport';
import { connectAsPsr } from '@psrkit/transport/client';
import { type Observable, tap } from 'rxjs';
import { percentiles } from './percentiles.js';

/** Options of {@link measureFirstAudio}. */
export interface FirstAudioOptions {
  /** The plugin, pointed at its local fake. */
  readonly tts: AnyTextToSpeech;
  /** What the bot says: a string, or a function making a stream (a model's reply). */
  readonly text: string | (() => Observable<string>);
  /** Calls to time (default 30). */
  readonly runs?: number;
  /** Untimed calls before them (default 3). */
  readonly warmUpRuns?: number;
  /**
   * When this call's reference moment happened (`performance.now()`): the fake's first
   * audio bytes sent, or a streamed reply's first sentence end.
   */
  readonly referenceAt: () => number | undefined;
}

/** Percentiles of one span, ms. */
export interface Span {
  /** The median, ms. */
  readonly p50: number;
  /** The 95th percentile, ms. */
  readonly p95: number;
}

/**
 * Per span, over the calls: reference → the plugin's first audio piece (the plugin's own
 * decoding), that piece → the first chunk at the PSR peer (the line: resampling, encoding,
 * pacing, the socket), and reference → chunk in all.
 */
export interface FirstAudioResult {
  /** The engine's first bytes → the plugin's first audio piece. */
  readonly plugin: Span;
  /** The first audio piece → the first chunk at the PSR peer. */
  readonly line: Span;
  /** The engine's first bytes → the first chunk. */
  readonly total: Span;
}

const span = (values: readonly number[]): Span => {
  const { p50, p95 } = percentiles(values)!;
  return { p50, p95 };
};

/** One call: the bot speaks; resolves with when the first `chunk` reached the peer. */
async function firstChunkAt(url: string): Promise<number> {
  const psr = connectAsPsr(url, { tenant: 'bench', channel: 'mono_a' });
  try {
    const first = new Promise<number>((resolve, reject) => {
      psr.actions$.subscribe((received) => {
        if (received.ok && received.action.type === 'chunk') resolve(performance.now());
      });
      void psr.closed.then(() => reject(new Error('the call closed before any audio')));
    });
    await psr.opened;
    psr.sendConnected();
    return await first;
  } finally {
    await psr.close();
  }
}

/**
 * Times `runs` calls, one after another, against a bot that speaks `text` with `tts`: from
 * the engine's first bytes (`referenceAt`) to the plugin's first audio piece, and from there
 * to the first `chunk` at the emulated PSR peer.
 *
 * @example
 * ```ts
 * const fake = await startMyTtsFake({ delayMs: 150 }); // records performance.now() at its first bytes
 * const result = await measureFirstAudio({ tts: createMyTts({ baseUrl: fake.url }), text: 'Hello.', referenceAt: () => fake.firstBytesAt });
 * console.log(result.line.p95); // what psrkit's line adds, ms
 * ```
 */
export async function measureFirstAudio(options: FirstAudioOptions): Promise<FirstAudioResult> {
  const tts = asTextToSpeechV2(options.tts);
  let pieceAt: number | undefined;
  const server = createPsrServer({
    port: 0,
    logger: silentLogger,
    bot: async (call) => {
      const text = typeof options.text === 'string' ? options.text : options.text();
      const audio$ = tts.speak(text).pipe(
        speechAudio(),
        tap(() => {
          pieceAt ??= performance.now();
        }),
      );
      call.stream(audio$, { sampleRate: tts.sampleRate });
      await call.closed;
    },
  });
  await server.listen();
  const plugin: number[] = [];
  const line: number[] = [];
  try {
    // Untimed calls first: the first ones pay for compiling the line's code paths.
    for (let run = 0; run < (options.warmUpRuns ?? 3); run++) {
      await firstChunkAt(server.url);
      options.referenceAt();
    }
    for (let run = 0; run < (options.runs ?? 30); run++) {
      pieceAt = undefined;
      const chunkAt = await firstChunkAt(server.url);
      const reference = options.referenceAt();
      if (reference === undefined || pieceAt === undefined)
        throw new Error('the engine never sent audio');
      plugin.push(pieceAt - reference);
      line.push(chunkAt - pieceAt);
    }
  } finally {
    await server.close();
  }
  return {
    plugin: span(plugin),
    line: span(line),
    total: span(plugin.map((p, i) => p + line[i]!)),
  };
}

/**
 * A plugin whose first audio piece of each speech is timed (`performance.now()`), for a
 * reference row: an in-process engine's own time to first audio is ~0, so its row shows what
 * the line alone adds. `take()` gives the last speech's time and forgets it.
 */
export function timedFirstAudio(tts: AnyTextToSpeech): {
  readonly tts: AnyTextToSpeech;
  take(): number | undefined;
} {
  const engine = asTextToSpeechV2(tts);
  let firstAt: number | undefined;
  return {
    tts: {
      ...engine,
      speak: (text, options) =>
        engine.speak(text, options).pipe(
          tap(() => {
            firstAt ??= performance.now();
          }),
        ),
    },
    take() {
      const at = firstAt;
      firstAt = undefined;
      return at;
    },
  };
}

/** A row of a time-to-first-audio table. */
export interface FirstAudioRow {
  /** What was measured, e.g. `elevenlabs (fake, 150 ms service delay)`. */
  readonly name: string;
  /** What {@link measureFirstAudio} measured for it. */
  readonly result: FirstAudioResult;
}

/**
 * A Markdown table of time-to-first-audio rows, the first being the reference (measured in
 * the same run): each row's spans in ms, and its line span as a ratio to the reference's.
 */
export function formatFirstAudioTable(rows: readonly FirstAudioRow[]): string {
  const reference = rows[0]?.result.line.p95 ?? 0;
  const ms = (value: number) => value.toFixed(1);
  const lines = rows.map(({ name, result }) => {
    const ratio = reference > 0 ? `${(result.line.p95 / reference).toFixed(2)}×` : '–';
    return `| ${name} | ${ms(result.plugin.p50)} / ${ms(result.plugin.p95)} | ${ms(result.line.p50)} / ${ms(result.line.p95)} | ${ratio} | ${ms(result.total.p50)} / ${ms(result.total.p95)} |`;
  });
  return [
    '| engine | engine bytes → plugin audio, p50 / p95 ms | plugin audio → first chunk, p50 / p95 ms | line p95 vs the reference | in all, p50 / p95 ms |',
    '| --- | --- | --- | --- | --- |',
    ...lines,
  ].join('\n');
}

/** Options of {@link compareFirstAudio}. */
export interface CompareFirstAudioOptions {
  /** An in-process engine for the reference row (`createTestTts()` of `@psrkit/pipeline/testing`). */
  readonly reference: AnyTextToSpeech;
  /** The plugin against its local stand-in, with when the stand-in sent its first audio. */
  readonly plugin: { readonly name: string } & Omit<FirstAudioOptions, 'text' | 'runs'>;
  /** What the bot says on every call. */
  readonly text: string;
  /** Calls to time, for each row. */
  readonly runs: number;
}

/**
 * A plugin's time to first audio beside the reference, measured in one run, as a table
 * (for a plugin's `bench/first-audio.bench.ts`).
 */
export async function compareFirstAudio(options: CompareFirstAudioOptions): Promise<string> {
  const { text, runs } = options;
  const timed = timedFirstAudio(options.reference);
  const reference = await measureFirstAudio({
    tts: timed.tts,
    text,
    runs,
    referenceAt: timed.take,
  });
  const plugin = await measureFirstAudio({ ...options.plugin, text, runs });
  return formatFirstAudioTable([
    { name: 'reference: an in-process engine', result: reference },
    { name: options.plugin.name, result: plugin },
  ]);
}
