import { type SpeechPiece, type TextToSpeechV2, TtsError } from '@psrkit/pipeline';
import { Observable } from 'rxjs';
import { ElevenLabsSpeech, type SpeechSettings } from './elevenlabs-speech.js';

/** A rate ElevenLabs emits raw PCM at (`pcm_<rate>`). */
export type ElevenLabsSampleRate = 8000 | 16000 | 22050 | 24000 | 32000 | 44100 | 48000;

const SAMPLE_RATES: readonly ElevenLabsSampleRate[] = [
  8000, 16000, 22050, 24000, 32000, 44100, 48000,
];

/** How a voice sounds (ElevenLabs' `voice_settings`); what is not given is the voice's own. */
export interface ElevenLabsVoiceSettings {
  /** 0–1: higher is steadier, lower more expressive. */
  readonly stability?: number;
  /** 0–1: how closely it keeps to the original voice. */
  readonly similarityBoost?: number;
  /** 0–1: style exaggeration (costs latency). */
  readonly style?: number;
  /** Boosts the likeness to the speaker (costs latency). */
  readonly useSpeakerBoost?: boolean;
  /** 0.7–1.2: speaking rate. */
  readonly speed?: number;
}

/** Options of {@link createElevenLabsTts}. */
export interface ElevenLabsTtsOptions {
  /** Your ElevenLabs API key (sent as the `xi-api-key` header). */
  readonly apiKey: string;
  /** The voice spoken with when `speak` names none (an ElevenLabs voice ID). */
  readonly voiceId: string;
  /** Other voice IDs `speak` may name; any voice not here fails with `UNKNOWN_VOICE`. */
  readonly voices?: readonly string[];
  /** Default `eleven_flash_v2_5` (lowest latency; Vietnamese among its 32 languages). */
  readonly model?: string;
  /** ISO 639-1 language to enforce (`vi`); only the v2.5 models take it. */
  readonly languageCode?: string;
  /** Rate of the PCM asked for, and emitted (default 8000: the phone line's own). */
  readonly sampleRate?: ElevenLabsSampleRate;
  /** Overrides the voice's stored settings for these speeches. */
  readonly voiceSettings?: ElevenLabsVoiceSettings;
  /** Characters ElevenLabs gathers before each generation (its `chunk_length_schedule`). */
  readonly chunkLengthSchedule?: readonly number[];
  /** Default `wss://api.elevenlabs.io` (a proxy, or a test server, otherwise). */
  readonly baseUrl?: string;
  /**
   * Connecting, the first audio after text is sent, and each piece after the text ended
   * may take this long, ms (default 10 000). Waiting for the model's text is not timed.
   */
  readonly timeoutMs?: number;
}

const invalidOption = (message: string) => new TtsError('INVALID_OPTION', message);

/** The options checked, with their defaults. */
function resolve(options: ElevenLabsTtsOptions) {
  const base = (options.baseUrl ?? 'wss://api.elevenlabs.io').replace(/\/+$/, '');
  const sampleRate = options.sampleRate ?? 8000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!options.apiKey) throw invalidOption('apiKey is required');
  if (!options.voiceId) throw invalidOption('voiceId is required');
  if (!/^wss?:\/\//.test(base))
    throw invalidOption(`baseUrl must be a ws:// or wss:// URL, got ${JSON.stringify(base)}`);
  if (!SAMPLE_RATES.includes(sampleRate))
    throw invalidOption(`sampleRate must be one of ${SAMPLE_RATES.join(', ')}, got ${sampleRate}`);
  if (!(timeoutMs > 0)) throw invalidOption(`timeoutMs must be > 0, got ${timeoutMs}`);
  return { base, sampleRate, timeoutMs, model: options.model ?? 'eleven_flash_v2_5' };
}

/** The first message of every speech: a space, and how to speak. */
function initMessage(options: ElevenLabsTtsOptions): Record<string, unknown> {
  const settings = options.voiceSettings;
  const voiceSettings = settings && {
    ...(settings.stability !== undefined && { stability: settings.stability }),
    ...(settings.similarityBoost !== undefined && { similarity_boost: settings.similarityBoost }),
    ...(settings.style !== undefined && { style: settings.style }),
    ...(settings.useSpeakerBoost !== undefined && { use_speaker_boost: settings.useSpeakerBoost }),
    ...(settings.speed !== undefined && { speed: settings.speed }),
  };
  return {
    text: ' ',
    ...(voiceSettings && { voice_settings: voiceSettings }),
    ...(options.chunkLengthSchedule && {
      generation_config: { chunk_length_schedule: options.chunkLengthSchedule },
    }),
  };
}

/**
 * Streaming text-to-speech on ElevenLabs' stream-input WebSocket (contract version 2).
 * Each `speak` opens a socket for its voice, sends the text sentence by sentence as it
 * comes (a string, or a model's deltas), and emits 8 kHz PCM (or `sampleRate`) as
 * ElevenLabs makes it, with each word's time measured from ElevenLabs' character
 * alignment. Unsubscribing closes the socket, which stops ElevenLabs. Failures are
 * `TtsError`s: a refused key or quota (`HTTP_ERROR`), a dropped socket (`NETWORK_ERROR`),
 * no answer (`TIMEOUT`), garbage or impossible timings (`INVALID_RESPONSE`).
 *
 * @throws {TtsError} `INVALID_OPTION` for a missing key or voice, or a bad rate or URL
 */
export function createElevenLabsTts(options: ElevenLabsTtsOptions): TextToSpeechV2 {
  const { base, sampleRate, timeoutMs, model } = resolve(options);
  const voices = [options.voiceId, ...(options.voices ?? [])];
  const init = initMessage(options);
  const query = new URLSearchParams({
    model_id: model,
    output_format: `pcm_${sampleRate}`,
    sync_alignment: 'true',
    ...(options.languageCode && { language_code: options.languageCode }),
  });
  const settings = (voice: string): SpeechSettings => ({
    url: `${base}/v1/text-to-speech/${encodeURIComponent(voice)}/stream-input?${query}`,
    apiKey: options.apiKey,
    init,
    sampleRate,
    timeoutMs,
  });
  return {
    specificationVersion: 2,
    name: 'elevenlabs',
    sampleRate,
    voices,
    capabilities: { streamingInput: true, wordTimings: true, sampleRates: SAMPLE_RATES },
    settingsKey: `elevenlabs:${base}:${options.voiceId}:${query}:${JSON.stringify(init)}`,
    speak: (text, { voice = options.voiceId } = {}) =>
      new Observable<SpeechPiece>((subscriber) => {
        if (!voices.includes(voice)) {
          subscriber.error(
            new TtsError(
              'UNKNOWN_VOICE',
              `voice ${JSON.stringify(voice.slice(0, 100))} is not voiceId or one of voices`,
            ),
          );
          return;
        }
        const speech = new ElevenLabsSpeech(settings(voice), subscriber);
        speech.start(text);
        return () => speech.stop();
      }),
  };
}
