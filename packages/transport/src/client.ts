// `@psrkit/transport/client`: the PSR side of the socket — a client that connects and
// speaks as PSR does, for emulators (`@psrkit/simulator`) and tests. Not needed to write
// a bot, so not in the main entry.
export {
  type ConnectAsPsrOptions,
  connectAsPsr,
  type PsrClient,
  type ReceivedAction,
} from './psr-client.js';
