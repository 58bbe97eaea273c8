import type { AddressInfo } from 'node:net';
import { encodeWav } from '@psrkit/protocol';
import { type Bot, createPsrServer, type PsrServer, type PsrServerOptions, silentLogger } from '@psrkit/transport';
import { filter, of } from 'rxjs';
import { WebSocketServer } from 'ws';
import { rms, tone } from '../../../line/src/__fixtures__/audio.js';

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

/**
 * A small turn-taking bot for tests: greets with a file, answers each caller turn
 * (energy above `threshold`, ended by 500 ms of quiet) with a 600 ms streamed tone,
 * stops talking when the caller speaks over it, and transfers to 101 after `turns`.
 */
export function turnTakingBot(turns = 1): Bot {
  return async (call) => {
    call.play(encodeWav({ sampleRate: 8000, channels: 1, samples: tone(500, 660) }));
    let speaking = false;
    let quietMs = 0;
    let answered = 0;
    call.audio$.pipe(filter((frame) => frame.channel === 'a')).subscribe((frame) => {
      const loud = rms(frame.samples) > 300;
      if (loud && !speaking) {
        speaking = true;
        if (call.speaking) call.interrupt();
      }
      quietMs = loud ? 0 : quietMs + 20;
      if (speaking && quietMs >= 500) {
        speaking = false;
        answered++;
        const reply = call.stream(of(tone(600, 440)), { sampleRate: 8000 });
        if (answered >= turns) void reply.done.then(() => call.transfer('101'));
      }
    });
    await call.closed;
  };
}
