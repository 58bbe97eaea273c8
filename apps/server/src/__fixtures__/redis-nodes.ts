import type { LiveCall } from '../call-directory.js';
import { type SpawnedServer, spawnServer } from './spawn-server.js';

const OPERATOR_BOT = new URL('./operator-bot.mjs', import.meta.url).pathname;

/** The admin token of the nodes below (`ops:` + it). */
export const NODE_ADMIN_TOKEN = 'n0des-secret';

/**
 * A built `psrkit-server` on a loopback port, a node of the deployment on `redisUrl`
 * (`PSRKIT_REDIS_URL`), running the operator bot (quiet until told; `say` speaks tone).
 */
export function startNode(redisUrl: string, args: readonly string[] = []): Promise<SpawnedServer> {
  return spawnServer(['--bot', OPERATOR_BOT, '--admin-tokens', `ops:${NODE_ADMIN_TOKEN}`, ...args], {
    env: { PSRKIT_REDIS_URL: redisUrl },
  });
}

/** The node's id in the directory, from its log. */
export function nodeIdOf(server: SpawnedServer): string {
  const line = server.logs.find((l) => l['msg'] === 'call directory: shared on Redis');
  if (!line) throw new Error('the server is not on a Redis directory');
  return line['node'] as string;
}

/** A request to a node's admin API (JSON both ways). */
export async function nodeApi(
  server: SpawnedServer,
  path: string,
  method = 'GET',
  body?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const base = server.url.replace(/^ws/, 'http').replace(/\/$/, '');
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${NODE_ADMIN_TOKEN}`, connection: 'close' },
    ...(body !== undefined && { body }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The calls a node lists (`GET /api/calls`). */
export async function listedOn(server: SpawnedServer): Promise<LiveCall[]> {
  return (await nodeApi(server, '/api/calls')).body['calls'] as LiveCall[];
}

/** The call `tenant`/`id` as a node lists it, if it does. */
export async function listedCall(
  server: SpawnedServer,
  tenant: string,
  id: string,
): Promise<LiveCall | undefined> {
  return (await listedOn(server)).find((c) => c.tenant === tenant && c.id === id);
}
