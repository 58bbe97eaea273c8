import type { Bot, TextToSpeech } from '@psrkit/transport';
import type { Logger } from 'pino';
import { of } from 'rxjs';
import { parseConfig } from '../config.js';
import { type ReferenceServer, startReferenceServer } from '../reference-server.js';

export { capturedLogger } from './captured-logger.js';

/** `ms` of a sine tone at 8 kHz. */
export const tone = (ms: number, hz = 440) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * hz * i) / 8000));

/** Speaks 100 ms of tone per character, in two voices. */
export const toneTts: TextToSpeech = {
  specificationVersion: 1,
  name: 'tone',
  sampleRate: 8000,
  voices: ['low', 'high'],
  synthesize: (text) => of(tone(100 * text.length, 550)),
};

/** Says nothing until told: the operator drives the call. */
export const quietBot: Bot = async (call) => void (await call.closed);

/** The admin token the servers below open with (`ops:` + it). */
export const ADMIN_TOKEN = 'adm1n-secret';

/** An answer of {@link AdminServer.api}: JSON parsed when it is JSON. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly response: Response;
}

/** A reference server in this process on a loopback port, with the quiet bot. */
export interface AdminServer {
  readonly server: ReferenceServer;
  readonly base: string;
  /** A request to the server (`token`: as `Authorization: Bearer`). */
  api(path: string, init?: { token?: string; method?: string; body?: string }): Promise<ApiAnswer>;
}

/** Starts a server with `argv` (after `--host 127.0.0.1 --port 0`); push it to stop it later. */
export async function startAdminServer(argv: readonly string[], logger: Logger): Promise<AdminServer> {
  const config = parseConfig(['--host', '127.0.0.1', '--port', '0', ...argv], {});
  const server = await startReferenceServer(config, quietBot, logger, { tts: () => toneTts });
  const base = `http://127.0.0.1:${server.address.port}`;
  return { server, base, api: (path, init) => request(base, path, init) };
}

/** A request to `base` + `path`; its body as JSON when it parses. */
export async function request(
  base: string,
  path: string,
  init: { token?: string; method?: string; body?: string } = {},
): Promise<ApiAnswer> {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: init.token ? { authorization: `Bearer ${init.token}` } : {},
    ...(init.body !== undefined && { body: init.body }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML or WAV
  }
  return { status: response.status, body: body as Record<string, unknown>, response };
}
