/**
 * A local stand-in for an OpenAI-compatible speech service, for trying and testing a bot
 * offline: `startOpenAiSpeechServer()` speaks the wire format on a loopback port (speech-like
 * audio for any input) and can fail as a real service does.
 */
export {
  type OpenAiSpeechServer,
  type OpenAiSpeechServerOptions,
  type ReceivedSpeechRequest,
  type SpeechServiceBehaviour,
  startOpenAiSpeechServer,
} from './openai-speech-server.js';
export type { SpeechServiceFailure } from './speech-service-failure.js';
