export { type AgentEvent, type AgentOptions, createAgent } from './agent.js';
export { heardText, type SpokenSentence } from './heard-text.js';
export { sentences } from './sentences.js';
