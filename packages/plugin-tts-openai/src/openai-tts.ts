import { type SpeechPiece, speakBySentence, type TextToSpeechV2, TtsError } from '@psrkit/pipeline';
import { type Observable, throwError } from 'rxjs';
import {
  type OpenAiTtsOptions,
  type ResolvedOptions,
  resolveOptions,
} from './openai-tts-options.js';
import { type SpeechRequest, streamSpeech } from './stream-speech.js';

/** The request that speaks `sentence` in `voice`. */
function speechRequest(options: ResolvedOptions, sentence: string, voice: string): SpeechRequest {
  const { apiKey, model, speed, instructions } = options;
  return {
    url: options.endpoint,
    headers: {
      'content-type': 'application/json',
      ...(apiKey !== undefined && { authorization: `Bearer ${apiKey}` }),
    },
    body: JSON.stringify({
      model,
      input: sentence,
      voice,
      response_format: 'pcm',
      ...(speed !== undefined && { speed }),
      ...(instructions !== undefined && { instructions }),
    }),
    sampleRate: options.sampleRate,
    timeoutMs: options.timeoutMs,
    idleTimeoutMs: options.idleTimeoutMs,
  };
}

/**
 * Text-to-speech from any OpenAI-compatible speech endpoint (`POST {baseURL}/audio/speech`,
 * `response_format: "pcm"`): OpenAI, Kokoro-FastAPI, openedai-speech. Text is spoken a
 * sentence at a time, one request each, its audio passed on as it streams in (24 kHz mono,
 * resampled when a server says another rate); word timings are estimated. Unsubscribing
 * aborts the request in flight.
 *
 * @example
 * ```ts
 * const tts = createOpenAiTts({ apiKey: process.env.OPENAI_API_KEY, voice: 'coral' });
 * call.stream(tts.speak('Xin chào anh Nam.').pipe(speechAudio()), { sampleRate: tts.sampleRate });
 * ```
 * @throws {TtsError} `INVALID_OPTION` for a bad option
 */
export function createOpenAiTts(options: OpenAiTtsOptions = {}): TextToSpeechV2 {
  const resolved = resolveOptions(options);
  const { baseURL, model, speed, instructions, sampleRate, voices } = resolved;
  return {
    specificationVersion: 2,
    name: 'openai',
    sampleRate,
    voices,
    capabilities: { streamingInput: false, wordTimings: false, sampleRates: [sampleRate] },
    settingsKey: JSON.stringify([
      'openai',
      baseURL,
      model,
      resolved.voice,
      speed ?? 1,
      instructions ?? '',
      sampleRate,
    ]),
    speak(text, speakOptions = {}): Observable<SpeechPiece> {
      const voice = speakOptions.voice ?? resolved.voice;
      if (!voices.includes(voice))
        return throwError(
          () => new TtsError('UNKNOWN_VOICE', `no voice ${JSON.stringify(voice.slice(0, 80))}`),
        );
      return speakBySentence(
        text,
        (sentence) => streamSpeech(speechRequest(resolved, sentence, voice)),
        sampleRate,
      );
    },
  };
}
