import { createOpenAI } from '@ai-sdk/openai';
import { type SpeechToText, SttError } from '@psrkit/pipeline';
import { createAiSdkStt } from './ai-sdk-stt.js';

/** Options of {@link createOpenAiStt}. */
export interface OpenAiSttOptions {
  /** The service's address without `/v1`: `https://api.openai.com`, `https://api.groq.com/openai`, `http://127.0.0.1:8000` (a local Whisper server). */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer`; a local server may need none. */
  readonly apiKey?: string;
  /** Default `whisper-1` (`whisper-large-v3` on Groq, your model's name on a local server). */
  readonly model?: string;
  /** Give up on a request after this long, ms (default 15 000). */
  readonly timeoutMs?: number;
  /** Replaces the global `fetch` (proxies, tests). */
  readonly fetch?: typeof fetch;
}

/**
 * Speech-to-text from an OpenAI-compatible transcription endpoint
 * (`POST {baseUrl}/v1/audio/transcriptions`, a multipart WAV per turn): OpenAI, Groq and
 * local Whisper servers alike, through the AI SDK's OpenAI provider.
 *
 * @example
 * ```ts
 * const stt = createOpenAiStt({ baseUrl: 'https://api.openai.com', apiKey: process.env.OPENAI_API_KEY });
 * turn$.pipe(mergeMap((turn) => stt.transcribe(of(turnFrame(turn)), { language: 'vi' })));
 * ```
 */
export function createOpenAiStt(options: OpenAiSttOptions): SpeechToText {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch (cause) {
    throw new SttError(
      'INVALID_OPTION',
      `baseUrl is not a URL: ${JSON.stringify(options.baseUrl)}`,
      {
        cause,
      },
    );
  }
  const provider = createOpenAI({
    baseURL: `${url.href.replace(/\/+$/, '')}/v1`,
    apiKey: options.apiKey || 'none',
    ...(options.fetch && { fetch: options.fetch }),
  });
  return createAiSdkStt({
    model: provider.transcription(options.model ?? 'whisper-1'),
    name: 'openai',
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    // An `openai` entry makes the provider ask for `verbose_json` (segments with times).
    providerOptions: ({ language }) => ({ openai: language ? { language } : {} }),
  });
}
