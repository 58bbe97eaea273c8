import { decodeWav } from '@psrkit/protocol';
import { MPEGDecoder } from 'mpg123-decoder';
import { firstValueFrom, type Observable, filter, take, toArray } from 'rxjs';
import type { Bot } from '../bot.js';
import { silentLogger } from '../logger.js';
import { type ConnectAsPsrOptions, connectAsPsr, type PsrClient, type ReceivedAction } from '../psr-client.js';
import { createPsrServer, type PsrServer } from '../psr-server.js';
import type { PsrServerOptions } from '../psr-server-types.js';

/** A server on an ephemeral loopback port; closed by the returned `stop`. */
export async function startServer(
  bot: Bot,
  options: Omit<PsrServerOptions, 'bot'> = {},
): Promise<PsrServer> {
  const server = createPsrServer({ bot, port: 0, logger: silentLogger, ...options });
  await server.listen();
  return server;
}

const started: PsrServer[] = [];
/** `startServer`, remembered so `closeServers` (in `afterEach`) closes it. */
export async function serve(bot: Bot, options: Omit<PsrServerOptions, 'bot'> = {}): Promise<PsrServer> {
  const server = await startServer(bot, options);
  started.push(server);
  return server;
}
/** Closes every server `serve` started. */
export async function closeServers(): Promise<void> {
  await Promise.all(started.splice(0).map((server) => server.close()));
}

/** A PSR client that has connected (and sent `connected`). */
export async function callIn(
  server: PsrServer,
  options: Partial<ConnectAsPsrOptions> = {},
): Promise<{ psr: PsrClient; received: ReceivedAction[] }> {
  const psr = connectAsPsr(server.url, { tenant: 'acme', channel: 'mono_a', ...options });
  const received: ReceivedAction[] = [];
  psr.actions$.subscribe((r) => received.push(r));
  await psr.opened;
  psr.sendConnected();
  return { psr, received };
}

/** Resolves with the first `n` items of `source$` that match. */
export function nextOf<T>(source$: Observable<T>, predicate: (value: T) => boolean, n = 1): Promise<T[]> {
  return firstValueFrom(source$.pipe(filter(predicate), take(n), toArray()));
}

/** Polls `condition` until true (or fails after `timeoutMs`). */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Decodes MP3 bytes with a real decoder; returns mono samples and the rate. */
export async function decodeMp3(bytes: Uint8Array): Promise<{ samples: Float32Array; sampleRate: number }> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const { channelData, sampleRate } = decoder.decode(bytes);
    return { samples: channelData[0] ?? new Float32Array(0), sampleRate };
  } finally {
    decoder.free();
  }
}

/** The PCM of a WAV a `media` action carried. */
export const wavOf = (payload: Uint8Array) => decodeWav(payload);

/** 20 ms of a 440 Hz tone, mono at 8 kHz, with `startSample` phase. */
export function tonePiece(startSample: number, samples = 160): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 440 * (startSample + i)) / 8000)),
  );
}
