/**
 * A local stand-in for FPT.AI's TTS v5, for trying and testing a bot offline:
 * `startFptTtsServer()` speaks the wire format on a loopback port (an MP3 of speech-like
 * audio appears at the link it answers with) and can fail as the real service does.
 */
export {
  type FptServiceBehaviour,
  type FptTtsServer,
  type FptTtsServerOptions,
  type ReceivedOrder,
  startFptTtsServer,
} from './fpt-tts-server.js';
