// A campaign of 10 000 calls with one greeting, with and without the prompt cache, in the
// same run: the calls arrive at a steady rate and each asks the engine (a test engine at
// 24 kHz behind a fixed service delay, as a remote TTS answers) for the whole greeting.
//
// - TTS requests: what the engine was asked to synthesise;
// - CPU: this process's user+system time over the whole campaign (the test engine's
//   synthesis of its tones, ~3 ms a greeting, included: a remote engine costs the
//   receiving and decoding of its answer instead);
// - first audio: from a call's request to its first audio piece, p50 / p95.
// The arrival rate keeps the process below saturation without the cache, so that its first
// audio shows the service delay, not a queue.
//
// A second table follows 30 calls each way to the emulated PSR peer (a bot streaming the
// greeting on a real WebSocket on loopback, @psrkit/simulator's measureFirstAudio): the
// request → the first audio piece → the first `chunk` at the peer.
//
// A third measures what each call still spends after the cache: resampling the greeting
// to 8 kHz and encoding it to MP3 for the line, on speech-like audio of the greeting's
// length (what replaying MP3 already encoded for the line would save).
//
// Run: pnpm --filter @psrkit/tts-cache bench   (CALLS=… RATE=… to change the campaign)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMp3Encoder,
  createResampler,
  type SpeechPiece,
  speechLike,
  type TextToSpeechV2,
} from '@psrkit/pipeline';
import { createTestTts } from '@psrkit/pipeline/testing';
import { type FirstAudioResult, measureFirstAudio } from '@psrkit/simulator';
import { defer, type Observable, switchMap, timer } from 'rxjs';
import { createTtsCache } from '../src/index.js';

const CALLS = Number(process.env['CALLS'] ?? 10_000);
const RATE = Number(process.env['RATE'] ?? 200); // calls per second
const SERVICE_DELAY_MS = 150;
const SAMPLE_RATE = 24_000;
const GREETING =
  'Dạ chào anh Nam, em là trợ lý của công ty Bảo Việt, em gọi về hợp đồng bảo hiểm của anh ạ.';

/** The test engine behind a fixed service delay, counting the requests it gets. */
function remoteEngine(): TextToSpeechV2 & { readonly requests: number } {
  const engine = createTestTts({ sampleRate: SAMPLE_RATE });
  let requests = 0;
  return {
    ...engine,
    get requests() {
      return requests;
    },
    speak: (text, options) => {
      requests++;
      return timer(SERVICE_DELAY_MS).pipe(switchMap(() => engine.speak(text, options)));
    },
  };
}

interface Campaign {
  readonly requests: number;
  readonly cpuMs: number;
  readonly firstAudio: readonly number[];
}

/** One call: its request for the greeting, consumed whole; the ms to its first audio. */
function call(speech$: Observable<SpeechPiece>): Promise<number> {
  const askedAt = performance.now();
  let firstAt: number | undefined;
  return new Promise((resolve, reject) => {
    speech$.subscribe({
      next: (piece) => {
        if (piece.type === 'audio') firstAt ??= performance.now();
      },
      error: reject,
      complete: () => resolve((firstAt ?? Number.NaN) - askedAt),
    });
  });
}

/** Every call of the campaign, arriving at RATE per second. */
async function runCampaign(tts: TextToSpeechV2, engine: { readonly requests: number }) {
  const cpu = process.cpuUsage();
  const calls: Promise<number>[] = [];
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
  await new Promise<void>((resolve) => {
    const arrivals = setInterval(() => {
      for (let i = 0; i < perTick && calls.length < CALLS; i++)
        calls.push(call(tts.speak(GREETING)));
      if (calls.length >= CALLS) {
        clearInterval(arrivals);
        resolve();
      }
    }, tickMs);
  });
  const firstAudio = await Promise.all(calls);
  const used = process.cpuUsage(cpu);
  return {
    requests: engine.requests,
    cpuMs: (used.user + used.system) / 1000,
    firstAudio,
  } satisfies Campaign;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** 30 calls to the emulated PSR peer, timed from each call's request for the greeting. */
function toThePeer(tts: TextToSpeechV2): Promise<FirstAudioResult> {
  let requestedAt: number | undefined;
  const timed: TextToSpeechV2 = {
    ...tts,
    speak: (text, options) =>
      defer(() => {
        requestedAt = performance.now();
        return tts.speak(text, options);
      }),
  };
  return measureFirstAudio({
    tts: timed,
    text: GREETING,
    runs: 30,
    referenceAt: () => requestedAt,
  });
}

/** Seconds of the greeting's audio. */
async function greetingSeconds(): Promise<number> {
  let samples = 0;
  await new Promise<void>((resolve) =>
    createTestTts({ sampleRate: SAMPLE_RATE })
      .speak(GREETING)
      .subscribe({
        next: (piece) => {
          if (piece.type === 'audio') samples += piece.samples.length;
        },
        complete: resolve,
      }),
  );
  return samples / SAMPLE_RATE;
}

/**
 * CPU µs per second of audio to resample speech-like audio to 8 kHz and encode it to MP3
 * in 20 ms pieces, as a call's line does (warmed up, best of 3).
 */
function lineEncodingMicrosPerSecond(): number {
  const seconds = 20;
  const input = speechLike(SAMPLE_RATE, seconds);
  const piece = SAMPLE_RATE / 50;
  const encode = () => {
    const resampler = createResampler({ inputRate: SAMPLE_RATE, outputRate: 8000 });
    const encoder = createMp3Encoder();
    for (let at = 0; at < input.length; at += piece)
      encoder.encode(resampler.push(input.subarray(at, at + piece)));
    encoder.encode(resampler.flush());
    encoder.flush();
    encoder.close();
  };
  encode(); // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const cpu = process.cpuUsage();
    encode();
    const used = process.cpuUsage(cpu);
    best = Math.min(best, used.user + used.system);
  }
  return best / seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'psrkit-tts-cache-bench-'));
try {
  console.log(
    `\n@psrkit/tts-cache: ${CALLS} calls with one greeting, ${RATE} calls/s, ` +
      `test engine at ${SAMPLE_RATE} Hz behind a ${SERVICE_DELAY_MS} ms service delay\n`,
  );
  const plainEngine = remoteEngine();
  const plain = await runCampaign(plainEngine, plainEngine);
  const cachedEngine = remoteEngine();
  const cache = createTtsCache(cachedEngine, { dir, maxBytes: 100e6 });
  const cached = await runCampaign(cache, cachedEngine);

  const ratio = (a: number, b: number) => `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}×`;
  const row = (what: string, a: number, b: number, digits = 1) => ({
    '': what,
    'no cache': Number(a.toFixed(digits)),
    cache: Number(b.toFixed(digits)),
    'no cache / cache': ratio(a, b),
  });
  console.table([
    row('TTS requests', plain.requests, cached.requests, 0),
    row('CPU, ms (whole campaign)', plain.cpuMs, cached.cpuMs, 0),
    row('CPU per call, µs', (plain.cpuMs * 1000) / CALLS, (cached.cpuMs * 1000) / CALLS, 0),
    row(
      'first audio p50, ms',
      percentile(plain.firstAudio, 50),
      percentile(cached.firstAudio, 50),
      2,
    ),
    row(
      'first audio p95, ms',
      percentile(plain.firstAudio, 95),
      percentile(cached.firstAudio, 95),
      2,
    ),
  ]);
  const stats = cache.stats();
  console.log(
    `cache: ${stats.hits} hits, ${stats.misses} misses, ${stats.shared} shared, ` +
      `${stats.stores} stores, ${stats.bytes} bytes on disk`,
  );

  const plainLine = await toThePeer(remoteEngine());
  const cachedLine = await toThePeer(cache); // the greeting is stored: every call a hit
  const span = ({ p50, p95 }: { p50: number; p95: number }) =>
    `${p50.toFixed(2)} / ${p95.toFixed(2)}`;
  console.log('\nTo the emulated PSR peer (30 calls each), p50 / p95 ms');
  const lineRows = [
    { name: 'no cache', result: plainLine },
    { name: 'cache', result: cachedLine },
  ];
  console.table(
    lineRows.map(({ name, result }) => ({
      '': name,
      'request → first audio': span(result.plugin),
      'first audio → first chunk': span(result.line),
      'request → first chunk': span(result.total),
    })),
  );

  const seconds = await greetingSeconds();
  const perSecondMicros = lineEncodingMicrosPerSecond();
  const perCallMs = (perSecondMicros * seconds) / 1000;
  console.log('\nWhat each call still spends on the greeting: resample to 8 kHz + MP3 (lamejs)');
  console.table([
    {
      'greeting, s': Number(seconds.toFixed(2)),
      'CPU per audio second, µs': Math.round(perSecondMicros),
      'CPU per call, ms': Number(perCallMs.toFixed(1)),
      [`${CALLS} calls, CPU s`]: Number(((perCallMs * CALLS) / 1000).toFixed(1)),
      'vs the cached campaign CPU': ratio(perCallMs * CALLS, cached.cpuMs),
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
