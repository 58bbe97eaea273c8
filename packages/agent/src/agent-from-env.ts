import { readFile } from 'node:fs/promises';
import type { AnyTextToSpeech, SpeechToText } from '@psrkit/pipeline';
import { type AnswerMode, createAnswerDetector } from '@psrkit/plugin-answer-detect';
import { loadWebRtcVad, type OpenVad } from '@psrkit/plugin-vad';
import type { Bot, Call } from '@psrkit/transport';
import { createAgent } from './agent.js';
import type { AgentAnswerOptions, AgentEvent } from './agent-options.js';
import { AgentConfigError, envReader } from './env-reader.js';
import { optional, type TtsEnvConfig, ttsConfigFromEnv, ttsFromConfig } from './tts-env.js';

/**
 * The agent's settings, as read from `PSRKIT_LLM_*`, `PSRKIT_STT_*`, `PSRKIT_TTS`,
 * `PSRKIT_AGENT_*`, `PSRKIT_DETECT_ANSWER*` and `PSRKIT_VOICEMAIL_MESSAGE`.
 */
export interface AgentEnvConfig {
  /** The language model: `PSRKIT_LLM_BASE_URL`, `PSRKIT_LLM_API_KEY`, `PSRKIT_LLM_MODEL`. */
  readonly llm: { readonly baseUrl: string; readonly apiKey: string; readonly model: string };
  /** The recogniser: `PSRKIT_STT` (`openai` or `deepgram`) and its `PSRKIT_STT_*` settings. */
  readonly stt:
    | {
        readonly kind: 'openai';
        readonly baseUrl: string;
        readonly apiKey: string;
        readonly model: string;
      }
    | { readonly kind: 'deepgram'; readonly apiKey: string; readonly model: string };
  /** The voice: `PSRKIT_TTS` and its `PSRKIT_TTS_*` settings. */
  readonly tts: TtsEnvConfig;
  /** The VAD behind turn-taking: `PSRKIT_AGENT_VAD` (default `silero`). */
  readonly vad: 'silero' | 'webrtc';
  /** A file holding the system prompt: `PSRKIT_AGENT_INSTRUCTIONS`. */
  readonly instructionsFile: string | undefined;
  /** What the agent says first: `PSRKIT_AGENT_GREETING`. */
  readonly greeting: string | undefined;
  /** The conversation's language: `PSRKIT_AGENT_LANGUAGE` (default `en`). */
  readonly language: 'en' | 'vi';
  /** Who answered an outbound call (see {@link AgentEnvConfig.answer}'s fields). */
  readonly answer: {
    /** Calls without a `detect_answer` parameter: `PSRKIT_DETECT_ANSWER` (default `off`). */
    readonly mode: AnswerMode;
    /** `hold`'s longest wait, ms: `PSRKIT_DETECT_ANSWER_MAX_HOLD_MS` (default 3000). */
    readonly maxHoldMs: number;
    /** `PSRKIT_DETECT_ANSWER_USE`: `combined` (timing, and the agent's recogniser) or `cadence`. */
    readonly use: 'combined' | 'cadence';
    /** Left on a voicemail after its beep: `PSRKIT_VOICEMAIL_MESSAGE` (none: hang up). */
    readonly voicemailMessage: string | undefined;
  };
}

const INSTRUCTIONS = {
  en: 'You are a friendly phone assistant. Answer in one or two short spoken sentences, no lists or markup. Address the caller as {danh_xung}. When they ask for a person, say so and call the transfer tool; when the conversation is over, say goodbye and call the hangup tool.',
  vi: 'Bạn là tổng đài viên thân thiện. Trả lời bằng một hoặc hai câu nói ngắn, không dùng danh sách hay ký hiệu. Gọi khách hàng là {danh_xung}. Khi khách muốn gặp nhân viên, hãy nói vậy rồi gọi công cụ transfer; khi cuộc trò chuyện kết thúc, chào tạm biệt rồi gọi công cụ hangup.',
};
const GOODBYE = {
  en: 'I did not hear anything for a while. Goodbye!',
  vi: 'Tôi không nghe thấy gì. Tạm biệt!',
};
const DEFAULT_NAME = { en: 'sir or madam', vi: 'anh chị' };

/**
 * Reads the agent's settings from the environment.
 * @throws {AgentConfigError} naming the variable that is missing or wrong
 */
export function agentConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AgentEnvConfig {
  const read = envReader(env);
  const { value, required, url, oneOf } = read;
  const maxHoldMs = read.integer('PSRKIT_DETECT_ANSWER_MAX_HOLD_MS', 3000, 0, 60_000);
  const llmKey = value('PSRKIT_LLM_API_KEY') ?? '';
  const sttKind = oneOf('PSRKIT_STT', ['openai', 'deepgram'] as const, 'openai');
  return {
    llm: {
      baseUrl: url('PSRKIT_LLM_BASE_URL', 'https://api.openai.com/v1'),
      apiKey: llmKey,
      model: required('PSRKIT_LLM_MODEL', 'the chat model, e.g. gpt-4o-mini'),
    },
    stt:
      sttKind === 'deepgram'
        ? {
            kind: 'deepgram',
            apiKey: required('PSRKIT_STT_API_KEY', 'the Deepgram key'),
            model: value('PSRKIT_STT_MODEL') ?? 'nova-2',
          }
        : {
            kind: 'openai',
            baseUrl: url('PSRKIT_STT_BASE_URL', 'https://api.openai.com'),
            apiKey: value('PSRKIT_STT_API_KEY') ?? llmKey,
            model: value('PSRKIT_STT_MODEL') ?? 'whisper-1',
          },
    tts: ttsConfigFromEnv(read),
    vad: oneOf('PSRKIT_AGENT_VAD', ['silero', 'webrtc'] as const, 'silero'),
    instructionsFile: value('PSRKIT_AGENT_INSTRUCTIONS'),
    greeting: value('PSRKIT_AGENT_GREETING'),
    language: oneOf('PSRKIT_AGENT_LANGUAGE', ['en', 'vi'] as const, 'en'),
    answer: {
      mode: oneOf('PSRKIT_DETECT_ANSWER', ['off', 'hold', 'speak'] as const, 'off'),
      maxHoldMs,
      use: oneOf('PSRKIT_DETECT_ANSWER_USE', ['combined', 'cadence'] as const, 'combined'),
      voicemailMessage: value('PSRKIT_VOICEMAIL_MESSAGE'),
    },
  };
}

/** `{name}` in a text → the call's parameter, letters and spaces only, at most 40 characters. */
export function personalise(text: string, call: Pick<Call, 'params'>, fallback: string): string {
  return text.replace(/\{([a-z_][a-z0-9_]*)\}/gi, (_, name: string) => {
    const clean = (call.params[name] ?? '')
      .replace(/[^\p{L}\p{M} ]/gu, '')
      .trim()
      .slice(0, 40);
    return clean || fallback;
  });
}

/** Answer detection as configured: one detector for every call, on when a call asks for it. */
function answerOptionsOf(
  { answer, language }: AgentEnvConfig,
  stt: SpeechToText,
  name: string,
): AgentAnswerOptions {
  const message = answer.voicemailMessage;
  return {
    detector: createAnswerDetector(
      answer.use === 'combined' ? { transcript: { stt, language } } : {},
    ),
    mode: answer.mode,
    maxHoldMs: answer.maxHoldMs,
    ...(message && { voicemailMessage: (call: Call) => personalise(message, call, name) }),
  };
}

/** The voice as configured, behind the prompt cache unless it is off. */
async function voiceOf(config: TtsEnvConfig, language: string): Promise<AnyTextToSpeech> {
  const engine = await ttsFromConfig(config, language);
  if (!config.cache) return engine;
  const { createTtsCache } = await import('@psrkit/tts-cache');
  return createTtsCache(engine, { dir: config.cache.dir, maxBytes: config.cache.maxBytes });
}

/**
 * The agent as the reference server runs it (`psrkit-server --bot @psrkit/agent`),
 * configured by the environment: an OpenAI-compatible chat model, OpenAI-compatible or
 * Deepgram speech-to-text, a voice (OpenAI-compatible, ElevenLabs, Cartesia, FPT.AI or
 * eSpeak) behind a prompt cache, Silero or WebRTC turn-taking. `prepare()` reads and
 * checks the settings and loads every engine before the first call.
 */
export function agentFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  onEvent?: (event: AgentEvent, call: Call) => void,
): Bot & { prepare(): Promise<void>; tts(): AnyTextToSpeech | undefined } {
  let agent: Promise<Bot> | undefined;
  let speech: AnyTextToSpeech | undefined; // once built: what an operator's `say` speaks with
  const build = async (): Promise<Bot> => {
    const config = agentConfigFromEnv(env);
    const { createOpenAI } = await import('@ai-sdk/openai');
    const model = createOpenAI({
      baseURL: config.llm.baseUrl,
      apiKey: config.llm.apiKey || 'none',
    }).chat(config.llm.model);
    let stt: SpeechToText;
    if (config.stt.kind === 'deepgram') {
      const { createDeepgramStt } = await import('@psrkit/plugin-stt-deepgram');
      stt = createDeepgramStt({
        apiKey: config.stt.apiKey,
        model: config.stt.model,
        language: config.language,
      });
    } else {
      const { createOpenAiStt } = await import('@psrkit/plugin-stt-openai');
      stt = createOpenAiStt({
        baseUrl: config.stt.baseUrl,
        apiKey: config.stt.apiKey,
        model: config.stt.model,
      });
    }
    const tts = await voiceOf(config.tts, config.language);
    speech = tts;
    let openVad: OpenVad;
    if (config.vad === 'silero') {
      const { loadSileroVad } = await optional<{ loadSileroVad: () => Promise<OpenVad> }>(
        '@psrkit/plugin-vad-silero',
        'PSRKIT_AGENT_VAD=silero',
        'PSRKIT_AGENT_VAD',
      );
      openVad = await loadSileroVad();
    } else openVad = await loadWebRtcVad();
    let instructions = INSTRUCTIONS[config.language];
    if (config.instructionsFile) {
      try {
        instructions = await readFile(config.instructionsFile, 'utf8');
      } catch (cause) {
        throw new AgentConfigError(
          'PSRKIT_AGENT_INSTRUCTIONS',
          `cannot read ${config.instructionsFile}: ${(cause as Error).message}`,
        );
      }
    }
    const name = DEFAULT_NAME[config.language];
    const greeting = config.greeting;
    return createAgent({
      model,
      stt,
      tts,
      openVad,
      language: config.language,
      instructions: (call) => personalise(instructions, call, name),
      ...(greeting && { greeting: (call: Call) => personalise(greeting, call, name) }),
      goodbye: GOODBYE[config.language],
      ...(onEvent && { onEvent }),
      answer: answerOptionsOf(config, stt, name),
    });
  };
  const prepare = () => {
    agent ??= build().catch((error: unknown) => {
      agent = undefined;
      throw error;
    });
    return agent;
  };
  const bot: Bot = async (call, context) => (await prepare())(call, context);
  return Object.assign(bot, { prepare: async () => void (await prepare()), tts: () => speech });
}
