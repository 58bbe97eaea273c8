import { availableParallelism } from 'node:os';
import type { TextToSpeech } from '@psrkit/pipeline';
import { numberProblem } from '@psrkit/pipeline';
import { Observable } from 'rxjs';
import { EspeakError } from './espeak-error.js';
import { inlineEngine } from './inline-engine.js';
import { splitSentences } from './split-sentences.js';
import { SynthesisPool } from './synthesis-pool.js';
import { workerEngine } from './worker-engine.js';
import { siblingModule } from './worker-thread.js';

// Also from here, where they were before the engine moved to worker threads.
export { EspeakError, type EspeakErrorCode } from './espeak-error.js';
export { splitSentences } from './split-sentences.js';

/** Options of {@link createEspeakTts}. */
export interface EspeakTtsOptions {
  /** Default voice: an alias (`en-us`, `en`, `vi`) or an eSpeak identifier (`gmw/en-US`). Default `en-us`. */
  readonly voice?: string;
  /** Words per minute, 80–450 (default 165). */
  readonly rate?: number;
  /** Pitch, 0–99 (default 50). */
  readonly pitch?: number;
  /**
   * Worker threads that synthesise, 0–32, each with its own engine: ~60 MB
   * resident per thread (the voice data, the engine and the thread's own heap).
   * Default: 2 on a machine with two cores or more, else 1. Instances with the same count
   * share one pool per process. `0` synthesises on the calling thread (one engine per
   * process): each sentence then holds the event loop — every call's audio — while it is
   * made.
   */
  readonly threads?: number;
}

/** Short names for the voices bots on Vietnamese and English lines use most. */
const ALIASES: Readonly<Record<string, string>> = {
  en: 'gmw/en-US',
  'en-us': 'gmw/en-US',
  'en-gb': 'gmw/en',
  vi: 'aav/vi',
  'vi-vn': 'aav/vi',
  'vi-central': 'aav/vi-VN-x-central',
  'vi-south': 'aav/vi-VN-x-south',
};

/** Pools by thread count, one per process (0: the engine on the calling thread). */
const pools = new Map<number, SynthesisPool>();
const WORKER = siblingModule('espeak-worker', import.meta.url);

function sharedPool(threads: number): SynthesisPool {
  const existing = pools.get(threads);
  if (existing) return existing;
  const pool = new SynthesisPool(
    Math.max(1, threads),
    threads === 0 ? inlineEngine : workerEngine(WORKER),
  );
  pools.set(threads, pool);
  // An engine that did not load is tried again by the next createEspeakTts.
  pool.info.catch(() => {
    if (pools.get(threads) === pool) pools.delete(threads);
    void pool.close();
  });
  return pool;
}

function checkOption(
  value: number,
  name: string,
  range: { readonly min: number; readonly max: number; readonly integer?: boolean },
): number {
  const problem = numberProblem(value, range);
  if (problem) throw new EspeakError('INVALID_OPTION', `${name}: ${problem}`);
  return value;
}

/**
 * Text-to-speech on eSpeak NG (WebAssembly), off the event loop: sentences are synthesised
 * in worker threads (`threads`), taking turns fairly between speeches, and PCM at
 * 22 050 Hz is emitted as the engine produces it. Unsubscribing (barge-in) drops the
 * sentences not yet synthesised; the one in synthesis finishes and its audio is dropped.
 *
 * @example
 * ```ts
 * const tts = await createEspeakTts({ voice: 'vi' });
 * call.stream(tts.synthesize('Xin chào anh.'), { sampleRate: tts.sampleRate });
 * ```
 */
export async function createEspeakTts(options: EspeakTtsOptions = {}): Promise<TextToSpeech> {
  const rate = checkOption(options.rate ?? 165, 'rate', { min: 80, max: 450 });
  const pitch = checkOption(options.pitch ?? 50, 'pitch', { min: 0, max: 99 });
  const threads = checkOption(options.threads ?? defaultThreads(), 'threads', {
    min: 0,
    max: 32,
    integer: true,
  });
  const pool = sharedPool(threads);
  const { voices: identifiers, sampleRate } = await pool.info;
  const resolveVoice = (name: string): string => {
    const id = ALIASES[name.toLowerCase()] ?? name;
    if (!identifiers.includes(id))
      throw new EspeakError(
        'UNKNOWN_VOICE',
        `no eSpeak NG voice ${JSON.stringify(name)} (try en-us, vi, or one of voices)`,
      );
    return id;
  };
  const defaultVoice = resolveVoice(options.voice ?? 'en-us');

  return {
    specificationVersion: 1,
    name: 'espeak',
    sampleRate,
    voices: [...Object.keys(ALIASES), ...identifiers],
    synthesize(text, synthOptions = {}) {
      return new Observable<Int16Array>((subscriber) => {
        let voice: string;
        try {
          voice =
            synthOptions.voice === undefined ? defaultVoice : resolveVoice(synthOptions.voice);
        } catch (error) {
          subscriber.error(error);
          return;
        }
        const sentences = splitSentences(text);
        if (sentences.length === 0) {
          subscriber.complete();
          return;
        }
        return pool.speak(
          { sentences, voice, rate, pitch },
          {
            samples: (pcm) => subscriber.next(pcm),
            complete: () => subscriber.complete(),
            error: (error) => subscriber.error(error),
          },
        );
      });
    },
  };
}

/** 2 worker threads on two cores or more (several calls synthesise at once), else 1. */
function defaultThreads(): number {
  return availableParallelism() >= 2 ? 2 : 1;
}
