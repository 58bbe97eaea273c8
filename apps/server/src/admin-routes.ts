import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import type { PlayMode } from '@psrkit/pipeline';
import { checkExtension } from '@psrkit/protocol';
import { requestTokenCheck } from '@psrkit/transport';
import type { Logger } from 'pino';
import {
  type CallCommand,
  type CallDirectory,
  type LiveCall,
  listedCall,
} from './call-directory.js';
import type { CampaignRequest } from './campaigns-routes.js';
import { openEventStream } from './event-stream.js';
import { BadRequest, readJsonBody, replyHtml, replyJson } from './http-replies.js';
import { page } from './operator-pages.js';

export interface AdminRoutesOptions {
  readonly directory: CallDirectory;
  /** Who may look and act; at least one. */
  readonly tokens: readonly { readonly name: string; readonly token: string }[];
  readonly logger: Logger;
  /** The recordings folder, when recordings are on. */
  readonly recordings?: string;
  /** Counts each command (`hangup`, `transfer`, `say`, `invalid`) or `unauthorized` request by status. */
  readonly count?: (kind: string, status: number) => void;
  /** The campaign pages and API (`/campaigns`, `/api/campaigns`), when the server has campaigns. */
  readonly campaigns?: (request: CampaignRequest) => Promise<boolean>;
}

/** The most a command's body may hold, bytes. */
export const MAX_COMMAND_BYTES = 16 * 1024;
const MAX_SAY_CHARS = 2000;

/**
 * The operator's routes, behind an admin token (`Authorization: Bearer` or `?token=`):
 * `GET /calls` (the live calls page), `GET /calls/<id>` (one call: its log, its recording
 * once ended), `GET /calls/<id>/recording`, `GET /api/calls`, `GET /api/calls/<id>`,
 * `GET /api/events[?call=<id>]` (server-sent events: a snapshot, then every change), and
 * `POST /api/calls/<id>/hangup|transfer|say`; and the campaign routes when given
 * (`/campaigns…`, `/api/campaigns…`). Returns false for any other path.
 */
export async function adminRoutes(options: AdminRoutesOptions) {
  const { directory, logger } = options;
  const who = requestTokenCheck(options.tokens);
  const pages = { list: await page('calls.html'), call: await page('call.html') };

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const ours = (page: string) => path === page || path.startsWith(`${page}/`);
    if (!(ours('/calls') || path.startsWith('/api/') || (options.campaigns && ours('/campaigns'))))
      return false;
    const json = (status: number, body: unknown) => replyJson(res, status, body);
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
    if (
      options.campaigns &&
      (parts[0] === 'campaigns' || (parts[0] === 'api' && parts[1] === 'campaigns'))
    )
      return options.campaigns({ req, res, parts, url, by });
    const html = (body: string) => replyHtml(res, body);

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
      return json(200, { calls: directory.list().map(listedCall) });
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
      command = parseCommand(parts[3]!, await readJsonBody(req, MAX_COMMAND_BYTES));
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
    let stop = () => {};
    const send = openEventStream(req, res, () => stop());
    if (callId === null) send('snapshot', directory.list().map(listedCall));
    else send('snapshot', directory.get(callId) ?? null);
    stop = directory.watch((change) => {
      const id = change.type === 'call' ? change.call.id : change.id;
      if (callId !== null && id !== callId) return;
      if (change.type === 'gone') send('gone', { id });
      else send('call', callId === null ? listedCall(change.call) : change.call);
    });
    return true;
  }

  async function sendRecording(call: LiveCall, res: ServerResponse): Promise<boolean> {
    const name = call.recording;
    const missing = (error: string) => replyJson(res, 404, { error });
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
