import { TtsError } from '@psrkit/pipeline';

/** OpenAI's voices for `/audio/speech` (`tts-1` and `tts-1-hd` have the first nine). */
export const OPENAI_VOICES: readonly string[] = [
  'alloy',
  'ash',
  'coral',
  'echo',
  'fable',
  'nova',
  'onyx',
  'sage',
  'shimmer',
  'ballad',
  'verse',
  'marin',
  'cedar',
];

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Options of {@link createOpenAiTts}. */
export interface OpenAiTtsOptions {
  /** Sent as `Authorization: Bearer`; required by OpenAI, often none for a local server. */
  readonly apiKey?: string;
  /** The API's root, with `/v1` (default `https://api.openai.com/v1`; Kokoro-FastAPI: `http://127.0.0.1:8880/v1`). */
  readonly baseURL?: string;
  /** Default `gpt-4o-mini-tts` (`tts-1`, `tts-1-hd`; `kokoro` on Kokoro-FastAPI). */
  readonly model?: string;
  /** The voice when `speak` names none (default `alloy`). */
  readonly voice?: string;
  /** The voices `speak` accepts (default: OpenAI's at OpenAI, else only `voice`). */
  readonly voices?: readonly string[];
  /** 0.25–4 (default: the service's, 1). */
  readonly speed?: number;
  /** How to speak (tone, accent, pace); `gpt-4o-mini-tts` only. */
  readonly instructions?: string;
  /** Rate of the PCM it emits (default 24 000, OpenAI's `pcm`); an answer at another rate is resampled. */
  readonly sampleRate?: number;
  /** Until a sentence's first audio bytes, ms (default 10 000). */
  readonly timeoutMs?: number;
  /** Longest gap between audio bytes once a sentence's audio flows, ms (default 5 000). */
  readonly idleTimeoutMs?: number;
}

/** The options checked, with their defaults. */
export interface ResolvedOptions {
  readonly endpoint: string;
  readonly baseURL: string;
  readonly apiKey: string | undefined;
  readonly model: string;
  readonly voice: string;
  readonly voices: readonly string[];
  readonly speed: number | undefined;
  readonly instructions: string | undefined;
  readonly sampleRate: number;
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number;
}

const invalid = (message: string) => new TtsError('INVALID_OPTION', message);

/** A whole number of ms ≥ 1, or the default. */
function milliseconds(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw invalid(`${name} must be a whole number of ms ≥ 1, got ${value}`);
  return value;
}

/** `baseURL` as a URL without a trailing slash. */
function baseUrl(value: string | undefined): string {
  const text = value ?? OPENAI_BASE_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`baseURL is not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(`baseURL must be http(s), got ${JSON.stringify(text)}`);
  if (url.username || url.password) throw invalid('baseURL must not hold credentials (use apiKey)');
  return url.href.replace(/\/+$/, '');
}

/**
 * Checks the options and fills in the defaults.
 * @throws {TtsError} `INVALID_OPTION`, naming the option
 */
export function resolveOptions(options: OpenAiTtsOptions): ResolvedOptions {
  const base = baseUrl(options.baseURL);
  const atOpenAi = new URL(base).hostname === 'api.openai.com';
  if (options.apiKey !== undefined && !options.apiKey.trim())
    throw invalid('apiKey is empty (leave it out for a server that needs none)');
  if (atOpenAi && options.apiKey === undefined)
    throw invalid('apiKey is required at api.openai.com');
  const voice = options.voice ?? 'alloy';
  const voices = options.voices ?? (atOpenAi ? OPENAI_VOICES : [voice]);
  if (!voices.includes(voice))
    throw invalid(`voice ${JSON.stringify(voice)} is not one of voices (${voices.join(', ')})`);
  const { speed } = options;
  if (speed !== undefined && !(speed >= 0.25 && speed <= 4))
    throw invalid(`speed must be 0.25–4, got ${speed}`);
  const sampleRate = options.sampleRate ?? 24_000;
  if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 48_000)
    throw invalid(`sampleRate must be a whole number of Hz, 8000–48000, got ${sampleRate}`);
  return {
    endpoint: `${base}/audio/speech`,
    baseURL: base,
    apiKey: options.apiKey,
    model: options.model ?? 'gpt-4o-mini-tts',
    voice,
    voices,
    speed,
    instructions: options.instructions,
    sampleRate,
    timeoutMs: milliseconds(options.timeoutMs, 'timeoutMs', 10_000),
    idleTimeoutMs: milliseconds(options.idleTimeoutMs, 'idleTimeoutMs', 5000),
  };
}
