/**
 * A local stand-in for ElevenLabs' stream-input WebSocket, for trying the plugin offline
 * and testing a bot without a key: `startFakeElevenLabs()`, then `baseUrl: fake.url`.
 */
export {
  type FakeElevenLabs,
  type FakeElevenLabsBehaviour,
  type FakeElevenLabsOptions,
  type FakeElevenLabsSession,
  startFakeElevenLabs,
} from './fake-elevenlabs.js';
