import {
  type AnyTextToSpeech,
  asTextToSpeechV2,
  type SpeechPiece,
  type TextToSpeechV2,
} from '@psrkit/pipeline';
import { defer, type Observable } from 'rxjs';
import { openCacheFolder } from './cache-folder.js';
import { cacheKey, normaliseText } from './cache-key.js';
import { createCacheMonitor, type TtsCacheLogger, type TtsCacheStats } from './cache-monitor.js';
import { checkOptions, type TtsCacheOptions } from './cache-options.js';
import { folderLocks } from './folder-lock.js';
import { type FlightContext, speechFlight } from './speech-flight.js';

/** A text-to-speech engine with a prompt cache in front of it. */
export interface TtsCache extends TextToSpeechV2 {
  /** What the cache has done so far in this process. */
  stats(): TtsCacheStats;
}

/**
 * Puts a prompt cache on disk in front of a text-to-speech engine. A whole text
 * (`speak('Dạ chào anh Nam…')`) is keyed by the engine's name and `settingsKey`, the
 * voice, the rate and the normalised text: replayed from `dir` with its word timings when
 * stored, else spoken by the engine — shared by every request for it in the meantime —
 * and stored once complete (a failed or cancelled synthesis stores nothing). Text in
 * pieces (an `Observable`) passes through uncached. The folder keeps under `maxBytes`
 * (least recently used out) and may be shared by processes: entries are written
 * atomically and checked on every read (a bad one is a miss), and a lock file per text
 * makes one process synthesise while the others wait for its entry. A broken folder
 * never fails a call: speech passes through, with a warning and `stats().errors`.
 * Requests for one text get the same sample arrays: as with any speech, they are read,
 * never changed.
 *
 * @example
 * ```ts
 * const tts = createTtsCache(createOpenAiTts({ … }), { dir: '/var/cache/psrkit-tts', maxBytes: 500e6 });
 * call.stream(tts.speak(fillTemplate(greeting, call.params)).pipe(speechAudio()), { sampleRate: tts.sampleRate });
 * ```
 * @throws {TtsCacheError} `INVALID_OPTION` for a bad option
 */
export function createTtsCache(tts: AnyTextToSpeech, options: TtsCacheOptions): TtsCache {
  const engine = asTextToSpeechV2(tts);
  const settings = checkOptions(options);
  const monitor = createCacheMonitor(options.logger ?? consoleWarn, settings.retryAfterMs);
  const folder = openCacheFolder({ ...settings, clock: options.clock ?? Date.now, monitor });
  const context: FlightContext = {
    ...settings,
    engine,
    folder,
    monitor,
    locks: folderLocks({ ...settings, monitor, ready: folder.ready }),
  };
  const flights = new Map<string, Observable<SpeechPiece>>();
  const cached = (text: string, voice: string | undefined): Observable<SpeechPiece> => {
    const { name, settingsKey, sampleRate } = engine;
    const key = cacheKey({
      namespace: settings.namespace,
      engine: name,
      settingsKey,
      voice,
      sampleRate,
      text,
    });
    let flight = flights.get(key);
    if (flight) monitor.count('shared');
    else {
      const request = { key, text, options: voice === undefined ? {} : { voice } };
      const started: Observable<SpeechPiece> = speechFlight(context, request, () => {
        if (flights.get(key) === started) flights.delete(key);
      });
      flight = started;
      flights.set(key, flight);
    }
    return flight;
  };
  return {
    ...pick(engine),
    stats: monitor.stats,
    speak(text, speakOptions = {}) {
      if (typeof text !== 'string') return engine.speak(text, speakOptions);
      return defer(() => {
        const normalised = normaliseText(text);
        return normalised
          ? cached(normalised, speakOptions.voice)
          : engine.speak(text, speakOptions);
      });
    },
  };
}

/** The engine's description, which the cache shares (its audio is the engine's). */
function pick(engine: TextToSpeechV2) {
  const { name, sampleRate, voices, capabilities, settingsKey } = engine;
  return { specificationVersion: 2 as const, name, sampleRate, voices, capabilities, settingsKey };
}

const consoleWarn: TtsCacheLogger = {
  warn: (fields, message) => console.warn(`@psrkit/tts-cache: ${message}`, fields),
};
