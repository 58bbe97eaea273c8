import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnyTextToSpeech, TtsError } from '@psrkit/pipeline';
import { AgentConfigError, type EnvReader } from './env-reader.js';

const OPENAI = 'https://api.openai.com/v1';

/** The voice engines `PSRKIT_TTS` names. */
export const TTS_KINDS = ['openai', 'elevenlabs', 'cartesia', 'fpt', 'espeak'] as const;

/** The agent's voice, as `PSRKIT_TTS` and its `PSRKIT_TTS_*` settings give it. */
export interface TtsEnvConfig {
  /** `PSRKIT_TTS` (default `openai`: any OpenAI-compatible speech endpoint). */
  readonly kind: (typeof TTS_KINDS)[number];
  /** `PSRKIT_TTS_API_KEY` (for `openai`, `PSRKIT_LLM_API_KEY` when unset). */
  readonly apiKey: string;
  /** `PSRKIT_TTS_MODEL` (default: the engine's). */
  readonly model: string | undefined;
  /** `PSRKIT_TTS_VOICE`: a voice name or id (default: the engine's; ElevenLabs and Cartesia need one). */
  readonly voice: string | undefined;
  /** `PSRKIT_TTS_BASE_URL`: the service's address (default: the vendor's). */
  readonly baseUrl: string | undefined;
  /**
   * The prompt cache (`PSRKIT_TTS_CACHE=off` turns it off): `PSRKIT_TTS_CACHE_DIR` (default
   * `psrkit-tts-cache` in the system's temporary folder), `PSRKIT_TTS_CACHE_MB` (default 256).
   */
  readonly cache: { readonly dir: string; readonly maxBytes: number } | undefined;
}

/** What each engine cannot go without. */
const NEEDS: Readonly<Record<TtsEnvConfig['kind'], { key?: string; voice?: string }>> = {
  openai: {},
  elevenlabs: { key: 'the ElevenLabs API key', voice: 'an ElevenLabs voice id' },
  cartesia: { key: 'the Cartesia API key', voice: 'a Cartesia voice id' },
  fpt: { key: 'the FPT.AI API key' },
  espeak: {},
};

/** Reads `PSRKIT_TTS` and its settings. */
export function ttsConfigFromEnv(read: EnvReader): TtsEnvConfig {
  const kind = read.oneOf('PSRKIT_TTS', TTS_KINDS, 'openai');
  const needs = NEEDS[kind];
  const apiKey = needs.key
    ? read.required('PSRKIT_TTS_API_KEY', needs.key)
    : (read.value('PSRKIT_TTS_API_KEY') ?? read.value('PSRKIT_LLM_API_KEY') ?? '');
  const voice = needs.voice
    ? read.required('PSRKIT_TTS_VOICE', needs.voice)
    : read.value('PSRKIT_TTS_VOICE');
  const baseUrl =
    kind === 'openai'
      ? read.url('PSRKIT_TTS_BASE_URL', OPENAI)
      : read.value('PSRKIT_TTS_BASE_URL') &&
        read.url('PSRKIT_TTS_BASE_URL', '', kind === 'fpt' ? undefined : 'ws');
  const cacheOn = read.oneOf('PSRKIT_TTS_CACHE', ['on', 'off'] as const, 'on') === 'on';
  const cache = cacheOn
    ? {
        dir: read.value('PSRKIT_TTS_CACHE_DIR') ?? join(tmpdir(), 'psrkit-tts-cache'),
        maxBytes: read.integer('PSRKIT_TTS_CACHE_MB', 256, 1, 1_000_000) * 1024 * 1024,
      }
    : undefined;
  return {
    kind,
    apiKey,
    model: read.value('PSRKIT_TTS_MODEL'),
    voice,
    baseUrl: baseUrl || undefined,
    cache,
  };
}

/** Imports an optional package, or says which to install. */
export async function optional<T>(name: string, why: string, variable: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (cause) {
    throw new AgentConfigError(
      variable,
      `${why} needs ${name}: install it beside the server (${(cause as Error).message.slice(0, 120)})`,
    );
  }
}

/**
 * The engine `config` names, for a conversation in `language`.
 * @throws {AgentConfigError} naming the variable when the engine refuses its settings
 */
export async function ttsFromConfig(
  config: TtsEnvConfig,
  language: string,
): Promise<AnyTextToSpeech> {
  if (config.kind === 'openai' && !config.apiKey && config.baseUrl === OPENAI)
    throw new AgentConfigError(
      'PSRKIT_TTS_API_KEY',
      'is required for OpenAI’s speech endpoint (or PSRKIT_LLM_API_KEY; or PSRKIT_TTS_BASE_URL for a server of your own)',
    );
  try {
    return await engineOf(config, language);
  } catch (error) {
    if (error instanceof TtsError && error.code === 'INVALID_OPTION')
      throw new AgentConfigError('PSRKIT_TTS', `${config.kind}: ${error.message}`);
    throw error;
  }
}

/** The plugin for `config.kind`, loaded and made. */
async function engineOf(config: TtsEnvConfig, language: string): Promise<AnyTextToSpeech> {
  const { apiKey, model, voice, baseUrl } = config;
  switch (config.kind) {
    case 'openai': {
      const { createOpenAiTts } = await import('@psrkit/plugin-tts-openai');
      return createOpenAiTts({
        ...(apiKey && { apiKey }),
        ...(baseUrl && { baseURL: baseUrl }),
        ...(model && { model }),
        ...(voice && { voice }),
      });
    }
    case 'elevenlabs': {
      const { createElevenLabsTts } = await import('@psrkit/plugin-tts-elevenlabs');
      return createElevenLabsTts({
        apiKey,
        voiceId: voice!,
        languageCode: language,
        ...(model && { model }),
        ...(baseUrl && { baseUrl }),
      });
    }
    case 'cartesia': {
      const { createCartesiaTts } = await import('@psrkit/plugin-tts-cartesia');
      return createCartesiaTts({
        apiKey,
        voiceId: voice!,
        language,
        ...(model && { model }),
        ...(baseUrl && { baseUrl }),
      });
    }
    case 'fpt': {
      const { createFptTts } = await import('@psrkit/plugin-tts-fpt');
      return createFptTts({
        apiKey,
        ...(voice && { voice }),
        ...(baseUrl && { endpoint: baseUrl }),
      });
    }
    case 'espeak': {
      const { createEspeakTts } = await optional<{
        createEspeakTts: (o: { voice: string }) => Promise<AnyTextToSpeech>;
      }>('@psrkit/plugin-tts-espeak', 'PSRKIT_TTS=espeak (GPL-3.0)', 'PSRKIT_TTS');
      return createEspeakTts({ voice: voice ?? language });
    }
  }
}
