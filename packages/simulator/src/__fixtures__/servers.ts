import type { AddressInfo } from 'node:net';
import { type Bot, createPsrServer, type PsrServer, type PsrServerOptions, silentLogger } from '@psrkit/transport';
import { WebSocketServer } from 'ws';

/** A psrkit server on an ephemeral loopback port. */
export async function startBotServer(bot: Bot, options: Omit<PsrServerOptions, 'bot'> = {}): Promise<PsrServer> {
  const server = createPsrServer({ bot, port: 0, logger: silentLogger, ...options });
  await server.listen();
  return server;
}

/**
 * A raw WebSocket server that answers each connection's first frame by sending
 * `frames` as they are — for bots that break the contract.
 */
export async function startRawServer(
  frames: readonly (string | Uint8Array)[],
): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  wss.on('connection', (socket) => {
    socket.once('message', () => {
      for (const frame of frames) socket.send(frame);
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
