// A reference server that runs campaigns (an embedded engine in a temporary folder, dialled
// through PSR's create-stream API emulated with callees) as `psrkit-server --psr-url
// --campaign-db` runs them, for the tests of the campaign routes and pages.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type CalleeRules, type PsrApiEmulator, startPsrApiEmulator } from '@psrkit/simulator';
import type { Bot } from '@psrkit/transport';
import pino from 'pino';
import { parseConfig } from '../config.js';
import { type ReferenceServer, startReferenceServer } from '../reference-server.js';
import { openServerCampaigns, type ServerCampaignRun } from '../server-campaigns.js';

export const ADMIN_TOKEN = 'adm1n-secret';
const PSR_TOKEN = 'psr-api-secret';

export interface CampaignServer {
  readonly server: ReferenceServer;
  readonly psr: PsrApiEmulator;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** The server's log lines so far. */
  readonly logs: Record<string, unknown>[];
  /** A request with the admin token (or `token`, `null` for none); the body parsed when JSON. */
  api(
    path: string,
    init?: { token?: string | null; method?: string; body?: unknown },
  ): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  /** Stops dialling, the server, the store and the emulator; removes the folder. */
  close(): Promise<void>;
}

/** Starts it all on loopback; `close()` it in `finally`. */
export async function startCampaignServer(options: {
  bot: Bot;
  callees: CalleeRules;
  argv?: readonly string[];
}): Promise<CampaignServer> {
  const dir = await mkdtemp(join(tmpdir(), 'psrkit-campaigns-'));
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const stops: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const psr = await startPsrApiEmulator({ tokens: [PSR_TOKEN], callees: options.callees });
    stops.push(() => psr.close({ hangUp: true }));
    const config = parseConfig(
      ['--host', '127.0.0.1', '--port', '0', '--admin-tokens', `ops:${ADMIN_TOKEN}`]
        .concat(['--psr-url', psr.url, '--campaign-db', join(dir, 'campaigns.db')])
        .concat(options.argv ?? []),
      { PSRKIT_PSR_TOKEN: PSR_TOKEN },
    );
    const run: ServerCampaignRun = await openServerCampaigns(config.campaigns!, logger);
    stops.push(() => run.close());
    const server = await startReferenceServer(config, options.bot, logger, {
      campaigns: run.campaigns,
    });
    stops.push(() => server.shutdown());
    stops.push(() => run.stopDialling());
    run.start(server);
    const base = `http://127.0.0.1:${server.address.port}`;
    return { server, psr, base, logs, api: request(base), close };
  } catch (error) {
    await close();
    throw error;
  }
}

function request(base: string): CampaignServer['api'] {
  return async (path, init = {}) => {
    const token = init.token === undefined ? ADMIN_TOKEN : init.token;
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      ...(init.body !== undefined && {
        body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
      }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // CSV, JSON Lines, HTML
    }
    return { status: response.status, body, text, headers: response.headers };
  };
}
