import { TtsError } from '@psrkit/pipeline';

/** FPT.AI's documented v5 voices: northern (banmai, thuminh, leminh), central (myan, giahuy), southern (lannhi, linhsan). */
export const FPT_VOICES: readonly string[] = [
  'banmai',
  'thuminh',
  'leminh',
  'myan',
  'giahuy',
  'lannhi',
  'linhsan',
];

/** Options of {@link createFptTts}. */
export interface FptTtsOptions {
  /** Your FPT.AI key (console.fpt.ai). */
  readonly apiKey: string;
  /** The voice when `speak` names none (default `banmai`). */
  readonly voice?: string;
  /** The voices `speak` accepts (default {@link FPT_VOICES}; add ones FPT.AI offers you beyond them). */
  readonly voices?: readonly string[];
  /** −3 (slowest) to +3 (fastest), whole (default 0). */
  readonly speed?: number;
  /** Rate of the PCM it emits (default 8000, PSR's line); FPT.AI's MP3 is resampled to it. */
  readonly sampleRate?: number;
  /** The API's address (default `https://api.fpt.ai/hmi/tts/v5`). */
  readonly endpoint?: string;
  /** Limit on each HTTP request (the order, each look for the file, its download), ms (default 10 000). */
  readonly timeoutMs?: number;
  /** How long the file may take to appear after the order, ms (default 30 000). */
  readonly audioTimeoutMs?: number;
  /** Wait between looks for the file, ms (default 250). */
  readonly pollIntervalMs?: number;
  /** Sentences ordered ahead of the one being fetched (default 2; 0: one at a time). */
  readonly lookahead?: number;
}

/** The options checked, with their defaults. */
export interface ResolvedOptions {
  readonly apiKey: string;
  readonly voice: string;
  readonly voices: readonly string[];
  readonly speed: number;
  readonly sampleRate: number;
  readonly endpoint: string;
  readonly timeoutMs: number;
  readonly audioTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly lookahead: number;
}

const invalid = (message: string) => new TtsError('INVALID_OPTION', message);

/** A whole number from `min`, or the default. */
function whole(value: number | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min)
    throw invalid(`${name} must be a whole number ≥ ${min}, got ${value}`);
  return value;
}

/** The endpoint as an http(s) URL. */
function endpointUrl(value: string | undefined): string {
  const text = value ?? 'https://api.fpt.ai/hmi/tts/v5';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`endpoint is not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(`endpoint must be http(s), got ${JSON.stringify(text)}`);
  if (url.username || url.password)
    throw invalid('endpoint must not hold credentials (use apiKey)');
  return url.href;
}

/**
 * Checks the options and fills in the defaults.
 * @throws {TtsError} `INVALID_OPTION`, naming the option
 */
export function resolveOptions(options: FptTtsOptions): ResolvedOptions {
  if (typeof options.apiKey !== 'string' || !options.apiKey.trim())
    throw invalid('apiKey is required (your key from console.fpt.ai)');
  const voice = options.voice ?? 'banmai';
  const voices = options.voices ?? FPT_VOICES;
  if (!voices.includes(voice))
    throw invalid(`voice ${JSON.stringify(voice)} is not one of voices (${voices.join(', ')})`);
  const speed = options.speed ?? 0;
  if (!Number.isInteger(speed) || speed < -3 || speed > 3)
    throw invalid(`speed must be a whole number from -3 to 3, got ${speed}`);
  const sampleRate = options.sampleRate ?? 8000;
  if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 48_000)
    throw invalid(`sampleRate must be a whole number of Hz, 8000–48000, got ${sampleRate}`);
  return {
    apiKey: options.apiKey,
    voice,
    voices,
    speed,
    sampleRate,
    endpoint: endpointUrl(options.endpoint),
    timeoutMs: whole(options.timeoutMs, 'timeoutMs', 10_000, 1),
    audioTimeoutMs: whole(options.audioTimeoutMs, 'audioTimeoutMs', 30_000, 1),
    pollIntervalMs: whole(options.pollIntervalMs, 'pollIntervalMs', 250, 1),
    lookahead: whole(options.lookahead, 'lookahead', 2, 0),
  };
}
