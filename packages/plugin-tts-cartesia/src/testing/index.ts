/**
 * A local stand-in for Cartesia's text-to-speech WebSocket, for trying the plugin offline
 * and testing a bot without a key: `startFakeCartesia()`, then `baseUrl: fake.url`.
 */
export {
  type FakeCartesia,
  type FakeCartesiaBehaviour,
  type FakeCartesiaContext,
  type FakeCartesiaOptions,
  type FakeCartesiaSocket,
  startFakeCartesia,
} from './fake-cartesia.js';
