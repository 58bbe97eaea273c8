import type { BotMeter } from '@psrkit/transport';
import { agentFromEnv } from './agent-from-env.js';
import type { AgentEvent } from './agent-options.js';

export { sentences } from '@psrkit/pipeline';
export { createAgent } from './agent.js';
export {
  type AgentEnvConfig,
  agentConfigFromEnv,
  agentFromEnv,
  personalise,
} from './agent-from-env.js';
export type { AgentAnswerOptions, AgentEvent, AgentOptions } from './agent-options.js';
export { AgentConfigError } from './env-reader.js';
export { heardText, type SpokenSentence } from './heard-text.js';
export { TTS_KINDS, type TtsEnvConfig } from './tts-env.js';
export { readsComplete } from './turn-complete.js';

/** Where the agent's events go once `metrics()` has been called. */
let record: ((event: AgentEvent) => void) | undefined;
/**
 * `psrkit-server --bot @psrkit/agent`: the agent configured by the environment (see the
 * README); nothing is read or loaded until the server calls `prepare()`.
 */
const bot = agentFromEnv(process.env, (event) => record?.(event));
export default bot;
/** Reads the environment and loads the models (the server calls it once, before the first call). */
export const prepare = bot.prepare;
/** The agent's TTS once prepared: the reference server's `say` command speaks with it. */
export const tts = bot.tts;

/**
 * The reference server calls this once at start: per-turn latencies as histograms on its
 * `/metrics` (`psrkit_bot_agent_stt_seconds`, `…_first_token_seconds`,
 * `…_voice_to_voice_seconds`, from the end of the caller's speech).
 */
export function metrics(meter: BotMeter): void {
  const buckets = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];
  const stt = meter.histogram(
    'agent_stt_seconds',
    'End of the caller’s speech to its transcript',
    buckets,
  );
  const firstToken = meter.histogram(
    'agent_first_token_seconds',
    'End of the caller’s speech to the model’s first token',
    buckets,
  );
  const voiceToVoice = meter.histogram(
    'agent_voice_to_voice_seconds',
    'End of the caller’s speech to the reply’s first audio sent',
    buckets,
  );
  record = (event) => {
    if (event.type === 'transcript') stt.observe(event.sttMs / 1000);
    else if (event.type === 'first-token') firstToken.observe(event.firstTokenMs / 1000);
    else if (event.type === 'first-audio') voiceToVoice.observe(event.voiceToVoiceMs / 1000);
  };
}
