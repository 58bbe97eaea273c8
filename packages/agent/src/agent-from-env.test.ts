import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentConfigFromEnv, agentFromEnv, personalise } from './agent-from-env.js';

describe('the agent from the environment', () => {
  it('reads its settings, with defaults for all but the model', () => {
    expect(
      agentConfigFromEnv({ PSRKIT_LLM_MODEL: 'gpt-4o-mini', PSRKIT_LLM_API_KEY: 'k' }),
    ).toEqual({
      llm: { baseUrl: 'https://api.openai.com/v1', apiKey: 'k', model: 'gpt-4o-mini' },
      stt: { kind: 'openai', baseUrl: 'https://api.openai.com', apiKey: 'k', model: 'whisper-1' },
      tts: {
        kind: 'openai',
        apiKey: 'k',
        model: undefined,
        voice: undefined,
        baseUrl: 'https://api.openai.com/v1',
        cache: { dir: join(tmpdir(), 'psrkit-tts-cache'), maxBytes: 256 * 1024 * 1024 },
      },
      vad: 'silero',
      instructionsFile: undefined,
      greeting: undefined,
      language: 'en',
      answer: { mode: 'off', maxHoldMs: 3000, use: 'combined', voicemailMessage: undefined },
    });
    expect(
      agentConfigFromEnv({
        PSRKIT_LLM_MODEL: 'm',
        PSRKIT_DETECT_ANSWER: 'hold',
        PSRKIT_DETECT_ANSWER_MAX_HOLD_MS: '5000',
        PSRKIT_DETECT_ANSWER_USE: 'cadence',
        PSRKIT_VOICEMAIL_MESSAGE: 'Please call us back, {danh_xung}.',
      }).answer,
    ).toEqual({
      mode: 'hold',
      maxHoldMs: 5000,
      use: 'cadence',
      voicemailMessage: 'Please call us back, {danh_xung}.',
    });
    expect(
      agentConfigFromEnv({
        PSRKIT_LLM_MODEL: 'm',
        PSRKIT_STT: 'deepgram',
        PSRKIT_STT_API_KEY: 'dg',
        PSRKIT_AGENT_LANGUAGE: 'vi',
      }).stt,
    ).toEqual({ kind: 'deepgram', apiKey: 'dg', model: 'nova-2' });
    expect(
      agentConfigFromEnv({
        PSRKIT_LLM_MODEL: 'm',
        PSRKIT_TTS: 'fpt',
        PSRKIT_TTS_API_KEY: 'fpt-key',
        PSRKIT_TTS_VOICE: 'lannhi',
        PSRKIT_TTS_CACHE_DIR: '/var/cache/psrkit',
        PSRKIT_TTS_CACHE_MB: '64',
      }).tts,
    ).toEqual({
      kind: 'fpt',
      apiKey: 'fpt-key',
      model: undefined,
      voice: 'lannhi',
      baseUrl: undefined,
      cache: { dir: '/var/cache/psrkit', maxBytes: 64 * 1024 * 1024 },
    });
    expect(
      agentConfigFromEnv({ PSRKIT_LLM_MODEL: 'm', PSRKIT_TTS: 'espeak', PSRKIT_TTS_CACHE: 'off' })
        .tts,
    ).toMatchObject({ kind: 'espeak', cache: undefined });
  });

  it('names the variable that is missing or wrong', () => {
    const error = (env: NodeJS.ProcessEnv) => {
      try {
        agentConfigFromEnv(env);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(error({})).toBe('PSRKIT_LLM_MODEL: is required: the chat model, e.g. gpt-4o-mini');
    expect(error({ PSRKIT_LLM_MODEL: 'm', PSRKIT_LLM_BASE_URL: 'api.openai.com' })).toMatch(
      /^PSRKIT_LLM_BASE_URL: must be an http\(s\) URL/,
    );
    expect(error({ PSRKIT_LLM_MODEL: 'm', PSRKIT_STT: 'whisper' })).toBe(
      'PSRKIT_STT: must be openai or deepgram, got "whisper"',
    );
    expect(error({ PSRKIT_LLM_MODEL: 'm', PSRKIT_STT: 'deepgram' })).toMatch(
      /^PSRKIT_STT_API_KEY: is required/,
    );
    expect(error({ PSRKIT_LLM_MODEL: 'm', PSRKIT_AGENT_LANGUAGE: 'fr' })).toMatch(
      /^PSRKIT_AGENT_LANGUAGE/,
    );
    expect(error({ PSRKIT_LLM_MODEL: 'm', PSRKIT_DETECT_ANSWER: 'on' })).toBe(
      'PSRKIT_DETECT_ANSWER: must be off or hold or speak, got "on"',
    );
    expect(error({ PSRKIT_LLM_MODEL: 'm', PSRKIT_TTS: 'google' })).toBe(
      'PSRKIT_TTS: must be openai or elevenlabs or cartesia or fpt or espeak, got "google"',
    );
    expect(error({ PSRKIT_LLM_MODEL: 'm', PSRKIT_TTS: 'elevenlabs' })).toBe(
      'PSRKIT_TTS_API_KEY: is required: the ElevenLabs API key',
    );
    expect(error({ PSRKIT_LLM_MODEL: 'm', PSRKIT_TTS: 'cartesia', PSRKIT_TTS_API_KEY: 'c' })).toBe(
      'PSRKIT_TTS_VOICE: is required: a Cartesia voice id',
    );
    expect(error({ PSRKIT_LLM_MODEL: 'm', PSRKIT_TTS_BASE_URL: 'localhost:9000' })).toMatch(
      /^PSRKIT_TTS_BASE_URL: must be an http\(s\) URL/,
    );
    expect(error({ PSRKIT_LLM_MODEL: 'm', PSRKIT_TTS_CACHE_MB: '0' })).toBe(
      'PSRKIT_TTS_CACHE_MB: must be an integer from 1 to 1000000, got "0"',
    );
    expect(error({ PSRKIT_LLM_MODEL: 'm', PSRKIT_DETECT_ANSWER_MAX_HOLD_MS: '3s' })).toBe(
      'PSRKIT_DETECT_ANSWER_MAX_HOLD_MS: must be an integer from 0 to 60000, got "3s"',
    );
  });

  it('personalises from call parameters, bounded and cleaned', () => {
    const call = { params: { danh_xung: 'chị Lan', evil: '<script>'.repeat(20) } };
    expect(personalise('Xin chào {danh_xung}!', call, 'anh chị')).toBe('Xin chào chị Lan!');
    expect(personalise('Hi {missing}.', call, 'there')).toBe('Hi there.');
    expect(personalise('{evil}', call, 'x')).toBe('scriptscriptscriptscriptscriptscriptscri');
  });

  it('prepare() fails with the setting, and nothing loads before it', async () => {
    const bot = agentFromEnv({
      PSRKIT_LLM_MODEL: 'm',
      PSRKIT_LLM_API_KEY: 'k',
      PSRKIT_AGENT_INSTRUCTIONS: '/nonexistent/prompt.txt',
      PSRKIT_AGENT_VAD: 'webrtc',
      PSRKIT_TTS_CACHE: 'off',
    });
    await expect(bot.prepare()).rejects.toThrow(
      /^PSRKIT_AGENT_INSTRUCTIONS: cannot read \/nonexistent\/prompt.txt/,
    );
    // OpenAI's own speech endpoint needs a key: said before anything is asked of it.
    const keyless = agentFromEnv({ PSRKIT_LLM_MODEL: 'm', PSRKIT_AGENT_VAD: 'webrtc' });
    await expect(keyless.prepare()).rejects.toThrow(/^PSRKIT_TTS_API_KEY: is required/);
    // A setting the engine refuses names PSRKIT_TTS and the engine.
    const slow = agentFromEnv({
      PSRKIT_LLM_MODEL: 'm',
      PSRKIT_AGENT_VAD: 'webrtc',
      PSRKIT_TTS: 'elevenlabs',
      PSRKIT_TTS_API_KEY: 'k',
      PSRKIT_TTS_VOICE: 'v',
      PSRKIT_TTS_BASE_URL: 'http://127.0.0.1:9/',
    });
    await expect(slow.prepare()).rejects.toThrow(/^PSRKIT_TTS: elevenlabs: /);
  });
});
