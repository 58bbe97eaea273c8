import { agentFromEnv } from './agent-from-env.js';

export { type AgentEvent, type AgentOptions, createAgent } from './agent.js';
export {
  AgentConfigError,
  type AgentEnvConfig,
  agentConfigFromEnv,
  agentFromEnv,
  personalise,
} from './agent-from-env.js';
export { heardText, type SpokenSentence } from './heard-text.js';
export { sentences } from './sentences.js';

/**
 * `psrkit-server --bot @psrkit/agent`: the agent configured by the environment (see the
 * README); nothing is read or loaded until the server calls `prepare()`.
 */
const bot = agentFromEnv();
export default bot;
export const prepare = bot.prepare;
