import { type SpeechPiece, type TextToSpeechV2, TtsError } from '@psrkit/pipeline';
import { Observable, throwError } from 'rxjs';
import { fetchAudioFile } from './fetch-audio-file.js';
import { type FptTtsOptions, type ResolvedOptions, resolveOptions } from './fpt-tts-options.js';
import { mp3ToPcm } from './mp3-to-pcm.js';
import { orderAudio } from './order-audio.js';
import { speakAhead } from './speak-ahead.js';

/** FPT.AI refuses a text under 3 characters: a short one ("Dạ") is padded with full stops. */
const MIN_TEXT = 3;

/** One sentence's audio: ordered, fetched when it appears, decoded; cancelled on unsubscribe. */
function sentenceAudio(options: ResolvedOptions, sentence: string, voice: string) {
  return new Observable<Int16Array>((subscriber) => {
    const abort = new AbortController();
    const { signal } = abort;
    const { endpoint, apiKey, speed, timeoutMs, audioTimeoutMs, pollIntervalMs } = options;
    const text = sentence.padEnd(MIN_TEXT, '.');
    orderAudio({ endpoint, apiKey, voice, speed, text }, { timeoutMs, signal })
      .then((link) => fetchAudioFile(link, { timeoutMs, audioTimeoutMs, pollIntervalMs, signal }))
      .then((mp3) => mp3ToPcm(mp3, options.sampleRate))
      .then(
        (pcm) => {
          subscriber.next(pcm);
          subscriber.complete();
        },
        (error: unknown) => subscriber.error(error),
      );
    return () => abort.abort(new TtsError('NETWORK_ERROR', 'cancelled'));
  });
}

/**
 * Vietnamese text-to-speech on FPT.AI's TTS v5 (`POST https://api.fpt.ai/hmi/tts/v5`): each
 * sentence is ordered, its MP3 fetched from the link FPT.AI answers with once it appears,
 * decoded and passed on as PCM at `sampleRate`; the next sentences are ordered while one is
 * fetched (`lookahead`), and word timings are estimated. Unsubscribing stops every order
 * and fetch in flight.
 *
 * @example
 * ```ts
 * const tts = createFptTts({ apiKey: process.env.FPT_API_KEY!, voice: 'lannhi' });
 * call.stream(tts.speak('Dạ chào anh Nam.').pipe(speechAudio()), { sampleRate: tts.sampleRate });
 * ```
 * @throws {TtsError} `INVALID_OPTION` for a bad option
 */
export function createFptTts(options: FptTtsOptions): TextToSpeechV2 {
  const resolved = resolveOptions(options);
  const { endpoint, speed, sampleRate, voices, lookahead } = resolved;
  return {
    specificationVersion: 2,
    name: 'fpt',
    sampleRate,
    voices,
    capabilities: { streamingInput: false, wordTimings: false, sampleRates: [sampleRate] },
    settingsKey: JSON.stringify(['fpt', endpoint, resolved.voice, speed, 'mp3', sampleRate]),
    speak(text, speakOptions = {}): Observable<SpeechPiece> {
      const voice = speakOptions.voice ?? resolved.voice;
      if (!voices.includes(voice))
        return throwError(
          () => new TtsError('UNKNOWN_VOICE', `no voice ${JSON.stringify(voice.slice(0, 80))}`),
        );
      return speakAhead(
        text,
        (sentence) => sentenceAudio(resolved, sentence, voice),
        sampleRate,
        lookahead,
      );
    },
  };
}
