import { type SpeechPiece, type TextToSpeechV2, TtsError } from '@psrkit/pipeline';
import { Observable } from 'rxjs';
import { CartesiaConnection } from './cartesia-connection.js';
import { CartesiaSpeech, type ContextSettings } from './cartesia-speech.js';

/** A rate Cartesia emits raw PCM at. */
export type CartesiaSampleRate = 8000 | 16000 | 22050 | 24000 | 44100 | 48000;

const SAMPLE_RATES: readonly CartesiaSampleRate[] = [8000, 16000, 22050, 24000, 44100, 48000];

/** Options of {@link createCartesiaTts}. */
export interface CartesiaTtsOptions {
  /** Your Cartesia API key (sent as the `X-API-Key` header, never in the URL). */
  readonly apiKey: string;
  /** The voice spoken with when `speak` names none (a Cartesia voice ID). */
  readonly voiceId: string;
  /** Other voice IDs `speak` may name; any voice not here fails with `UNKNOWN_VOICE`. */
  readonly voices?: readonly string[];
  /** Default `sonic-3` (42 languages, Vietnamese among them). */
  readonly model?: string;
  /** The language of the text, e.g. `vi` (default `en`). */
  readonly language?: string;
  /** Rate of the PCM asked for, and emitted (default 8000: the phone line's own). */
  readonly sampleRate?: CartesiaSampleRate;
  /** Speaking rate, 0.6–1.5 (`generation_config.speed`; Sonic 3 and later). */
  readonly speed?: number;
  /**
   * How long Cartesia may hold text to gather more before speaking, ms (default 0: the
   * plugin already sends whole sentences, so holding them only adds delay).
   */
  readonly maxBufferDelayMs?: number;
  /** The API version (the `Cartesia-Version` header, default `2026-03-01`). */
  readonly version?: string;
  /** Default `wss://api.cartesia.ai` (a proxy, or a test server, otherwise). */
  readonly baseUrl?: string;
  /**
   * Connecting, the first audio after text is sent, and each piece after the text ended
   * may take this long, ms (default 10 000). Waiting for the model's text is not timed.
   */
  readonly timeoutMs?: number;
}

/** A Cartesia text-to-speech engine: version 2 of the contract, and its shared socket. */
export interface CartesiaTts extends TextToSpeechV2 {
  /**
   * Closes the socket its speeches share (those still speaking fail with `NETWORK_ERROR`);
   * the next `speak` opens another. Call it when done, or the open socket keeps the
   * process alive until Cartesia closes it (after 5 minutes idle).
   */
  close(): void;
}

const invalidOption = (message: string) => new TtsError('INVALID_OPTION', message);

/** The options checked, with their defaults. */
function resolve(options: CartesiaTtsOptions) {
  const base = (options.baseUrl ?? 'wss://api.cartesia.ai').replace(/\/+$/, '');
  const sampleRate = options.sampleRate ?? 8000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!options.apiKey) throw invalidOption('apiKey is required');
  if (!options.voiceId) throw invalidOption('voiceId is required');
  if (!/^wss?:\/\//.test(base))
    throw invalidOption(`baseUrl must be a ws:// or wss:// URL, got ${JSON.stringify(base)}`);
  if (!SAMPLE_RATES.includes(sampleRate))
    throw invalidOption(`sampleRate must be one of ${SAMPLE_RATES.join(', ')}, got ${sampleRate}`);
  if (!(timeoutMs > 0)) throw invalidOption(`timeoutMs must be > 0, got ${timeoutMs}`);
  return { base, sampleRate, timeoutMs, version: options.version ?? '2026-03-01' };
}

/** Every field of a generation request that is the same for all of a voice's requests. */
function requestFields(options: CartesiaTtsOptions, sampleRate: number) {
  return {
    model_id: options.model ?? 'sonic-3',
    language: options.language ?? 'en',
    output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: sampleRate },
    add_timestamps: true,
    max_buffer_delay_ms: options.maxBufferDelayMs ?? 0,
    ...(options.speed !== undefined && { generation_config: { speed: options.speed } }),
  };
}

/**
 * Streaming text-to-speech on Cartesia's WebSocket (contract version 2). All of an
 * instance's speeches share one socket, each its own context: the text goes up sentence by
 * sentence as it comes (a string, or a model's deltas), each a continuation of the context;
 * 8 kHz PCM (or `sampleRate`) comes back as Cartesia makes it, with its word timestamps.
 * Unsubscribing cancels that speech's context, and no other. Failures are `TtsError`s: a
 * refused key (`HTTP_ERROR` 401), a limit (`HTTP_ERROR` 429), a dropped socket
 * (`NETWORK_ERROR`), no answer (`TIMEOUT`), garbage or impossible timings (`INVALID_RESPONSE`).
 *
 * @throws {TtsError} `INVALID_OPTION` for a missing key or voice, or a bad rate or URL
 */
export function createCartesiaTts(options: CartesiaTtsOptions): CartesiaTts {
  const { base, sampleRate, timeoutMs, version } = resolve(options);
  const voices = [options.voiceId, ...(options.voices ?? [])];
  const fields = requestFields(options, sampleRate);
  const connection = new CartesiaConnection(`${base}/tts/websocket`, timeoutMs, {
    'X-API-Key': options.apiKey,
    'Cartesia-Version': version,
  });
  const settings = (voice: string): ContextSettings => ({
    request: { ...fields, voice: { mode: 'id', id: voice } },
    sampleRate,
    timeoutMs,
  });
  return {
    specificationVersion: 2,
    name: 'cartesia',
    sampleRate,
    voices,
    capabilities: { streamingInput: true, wordTimings: true, sampleRates: SAMPLE_RATES },
    settingsKey: `cartesia:${base}:${version}:${options.voiceId}:${JSON.stringify(fields)}`,
    speak: (text, { voice = options.voiceId } = {}) =>
      new Observable<SpeechPiece>((subscriber) => {
        if (!voices.includes(voice)) {
          const message = `voice ${JSON.stringify(voice.slice(0, 100))} is not voiceId or one of voices`;
          subscriber.error(new TtsError('UNKNOWN_VOICE', message));
          return;
        }
        const speech = new CartesiaSpeech(connection, settings(voice), subscriber);
        speech.start(text);
        return () => speech.stop();
      }),
    close: () => connection.close(),
  };
}
