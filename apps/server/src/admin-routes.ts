import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import { text } from 'node:stream/consumers';
import type { PlayMode } from '@psrkit/pipeline';
import { checkExtension } from '@psrkit/protocol';
import { requestTokenCheck } from '@psrkit/transport';
import type { Logger } from 'pino';
import type { CallCommand, CallDirectory, LiveCall } from './call-directory.js';

export interface AdminRoutesOptions {
  readonly directory: CallDirectory;
  /** Who may look and act; at least one. */
  readonly tokens: readonly { readonly name: string; readonly token: string }[];
  readonly logger: Logger;
  /** The recordings folder, when recordings are on. */
  readonly recordings?: string;
  /** Counts each command (`hangup`, `transfer`, `say`, `invalid`) or `unauthorized` request by status. */
  readonly count?: (kind: string, status: number) => void;
}

/** The most a command's body may hold, bytes. */
export const MAX_COMMAND_BYTES = 16 * 1024;
/** The most a viewer may fall behind on the event stream before it is cut, bytes. */
const MAX_STREAM_BACKLOG = 1024 * 1024;
const MAX_SAY_CHARS = 2000;

/** How many of a call's last events the list carries. */
const LIST_EVENTS = 3;
/** A call with only its last events: what lists and the list's stream carry. */
const summary = ({ log, ...call }: LiveCall) => ({
  ...call,
  lastEvents: log.slice(-LIST_EVENTS),
});

const page = (name: string) => readFile(new URL(`../pages/${name}`, import.meta.url), 'utf8');

class BadRequest extends Error {}

/**
 * The operator's routes, behind an admin token (`Authorization: Bearer` or `?token=`):
 * `GET /calls` (the live calls page), `GET /calls/<id>` (one call: its log, its recording
 * once ended), `GET /calls/<id>/recording`, `GET /api/calls`, `GET /api/calls/<id>`,
 * `GET /api/events[?call=<id>]` (server-sent events: a snapshot, then every change), and
 * `POST /api/calls/<id>/hangup|transfer|say`. Returns false for any other path.
 */
export async function adminRoutes(options: AdminRoutesOptions) {
  const { directory, logger } = options;
  const who = requestTokenCheck(options.tokens);
  const pages = { list: await page('calls.html'), call: await page('call.html') };

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (!(path === '/calls' || path.startsWith('/calls/') || path.startsWith('/api/')))
      return false;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(`${JSON.stringify(body)}\n`);
      return true;
    };
    const admin = who(req);
    if (!admin) {
      options.count?.('unauthorized', 401);
      res.setHeader('www-authenticate', 'Bearer');
      return json(401, { error: 'an admin token is needed (Authorization: Bearer or ?token=)' });
    }
    const by = `${admin.name}@${req.socket.remoteAddress ?? '?'}`;
    let parts: string[];
    try {
      parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      options.count?.('invalid', 400);
      return json(400, { error: `the path is not valid percent-encoding: ${path.slice(0, 80)}` });
    }
    const get = req.method === 'GET' || req.method === 'HEAD';
    const html = (body: string) => {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy':
          "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; media-src 'self'; img-src data:",
        'referrer-policy': 'no-referrer',
      });
      res.end(body);
      return true;
    };

    // GET /calls, /calls/<id>, /calls/<id>/recording
    if (parts[0] === 'calls') {
      if (!get) return json(405, { error: 'method not allowed' });
      if (parts.length === 1) return html(pages.list);
      const call = directory.get(parts[1]!);
      if (!call) return json(404, { error: `no call ${parts[1]}` });
      if (parts.length === 2) return html(pages.call);
      if (parts.length === 3 && parts[2] === 'recording') return sendRecording(call, res);
      return json(404, { error: 'not found' });
    }
    // GET /api/calls, /api/calls/<id>, /api/events
    if (parts[1] === 'events' && parts.length === 2) {
      if (!get) return json(405, { error: 'method not allowed' });
      return stream(req, res, url.searchParams.get('call'));
    }
    if (parts[1] !== 'calls' || parts.length > 4) return json(404, { error: 'not found' });
    if (parts.length === 2) {
      if (!get) return json(405, { error: 'method not allowed' });
      return json(200, { calls: directory.list().map(summary) });
    }
    const id = parts[2]!;
    if (parts.length === 3) {
      if (!get) return json(405, { error: 'method not allowed' });
      const call = directory.get(id);
      return call ? json(200, call) : json(404, { error: `no call ${id}` });
    }
    // POST /api/calls/<id>/<command>
    if (req.method !== 'POST') return json(405, { error: 'method not allowed' });
    let command: CallCommand;
    try {
      command = parseCommand(parts[3]!, await readBody(req));
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      options.count?.('invalid', 400);
      logger.warn({ call_id: id.slice(0, 80), by, error: error.message }, 'call command refused');
      return json(400, { error: error.message });
    }
    const result = await directory.send(id, command, by);
    options.count?.(command.type, result.ok ? 200 : result.status);
    logger.info(
      {
        call_id: id.slice(0, 80),
        command: command.type,
        by,
        ...(command.type === 'transfer' && { extension: command.extension }),
        status: result.ok ? 200 : result.status,
      },
      'call command',
    );
    return result.ok ? json(200, result) : json(result.status, { error: result.error });
  };

  /** Server-sent events: the list (or one call) now, then each change. */
  function stream(req: IncomingMessage, res: ServerResponse, callId: string | null): boolean {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (event: string, data: unknown) => {
      if (res.writableLength > MAX_STREAM_BACKLOG) return void res.destroy(); // a stalled viewer
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    if (callId === null) send('snapshot', directory.list().map(summary));
    else send('snapshot', directory.get(callId) ?? null);
    const stop = directory.watch((change) => {
      const id = change.type === 'call' ? change.call.id : change.id;
      if (callId !== null && id !== callId) return;
      if (change.type === 'gone') send('gone', { id });
      else send('call', callId === null ? summary(change.call) : change.call);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.once('close', () => {
      stop();
      clearInterval(ping);
    });
    return true;
  }

  async function sendRecording(call: LiveCall, res: ServerResponse): Promise<boolean> {
    const name = call.recording;
    const missing = (error: string) => {
      res.writeHead(404, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(`${JSON.stringify({ error })}\n`);
      return true;
    };
    if (!options.recordings || !name || basename(name) !== name)
      return missing('no recording for this call (yet)');
    const file = join(options.recordings, name);
    try {
      const { size } = await stat(file);
      res.writeHead(200, {
        'content-type': 'audio/wav',
        'content-length': size,
        'cache-control': 'no-store',
      });
      createReadStream(file).pipe(res);
    } catch {
      return missing('the recording is gone from the disk');
    }
    return true;
  }
}

/** Reads a command's body: at most {@link MAX_COMMAND_BYTES}, JSON or nothing. */
async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_COMMAND_BYTES)
    throw new BadRequest(`the body is over ${MAX_COMMAND_BYTES} bytes`);
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_COMMAND_BYTES) req.destroy();
  });
  let body: string;
  try {
    body = await text(req);
  } catch {
    throw new BadRequest(`the body is over ${MAX_COMMAND_BYTES} bytes or was cut off`);
  }
  if (body.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BadRequest(`the body is not JSON: ${JSON.stringify(body.slice(0, 60))}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest('the body must be a JSON object');
  return value as Record<string, unknown>;
}

/** The command a route and body ask for, checked. */
function parseCommand(name: string, body: Record<string, unknown>): CallCommand {
  switch (name) {
    case 'hangup':
      return { type: 'hangup' };
    case 'transfer': {
      const extension = body['extension'];
      if (typeof extension !== 'string')
        throw new BadRequest(
          '$.extension: give the extension as a string, e.g. {"extension":"101"}',
        );
      try {
        return { type: 'transfer', extension: checkExtension(extension, '$.extension') };
      } catch (error) {
        throw new BadRequest((error as Error).message);
      }
    }
    case 'say': {
      const text = body['text'];
      const mode = body['mode'] ?? 'queue';
      const voice = body['voice'];
      if (voice !== undefined && (typeof voice !== 'string' || voice.length > 100))
        throw new BadRequest("$.voice: one of the TTS's voices, as a string");
      if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_SAY_CHARS)
        throw new BadRequest(`$.text: give 1 to ${MAX_SAY_CHARS} characters to say`);
      if (mode !== 'queue' && mode !== 'interrupt')
        throw new BadRequest('$.mode: "queue" (after what plays) or "interrupt" (at once)');
      return {
        type: 'say',
        text,
        mode: mode as PlayMode,
        ...(typeof voice === 'string' && { voice }),
      };
    }
    default:
      throw new BadRequest(
        `${JSON.stringify(name.slice(0, 40))} is not a command: hangup, transfer or say`,
      );
  }
}
