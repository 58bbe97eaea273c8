import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import { requestTokenCheck } from '@psrkit/transport';
import type { Logger } from 'pino';
import { parseCommand } from './call-command-body.js';
import {
  type CallCommand,
  type CallDirectory,
  type CallRef,
  type CommandResult,
  callKey,
  callName,
  type LiveCall,
  listedCall,
} from './call-directory.js';
import { apiCallRoute, type CallTarget, findCall, pageRoute } from './call-paths.js';
import type { CampaignRequest } from './campaigns-routes.js';
import { hideCredentials } from './credential-text.js';
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

/** One operator request, its admin known (`by`: the token's name and the address). */
interface AdminRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly by: string;
}

/** The two pages, read once. */
interface CallPages {
  readonly list: string;
  readonly call: string;
}

/**
 * The operator's routes, behind an admin token (`Authorization: Bearer` or `?token=`). A
 * call is named by its tenant and id; its id alone names it while no other tenant's call
 * has that id (else 409):
 * `GET /calls` (the live calls page), `GET /calls/<tenant>/<id>` (one call: its log, its
 * recording once ended; `/calls/<id>` sends on there), `GET /calls/<tenant>/<id>/recording`,
 * `GET /api/calls`, `GET /api/calls/[<tenant>/]<id>`, `GET /api/events[?call=<id>[&tenant=<tenant>]]`
 * (server-sent events: a snapshot, then every change), and
 * `POST /api/calls/[<tenant>/]<id>/hangup|transfer|say`; and the campaign routes when given
 * (`/campaigns…`, `/api/campaigns…`). Returns false for any other path.
 */
export async function adminRoutes(options: AdminRoutesOptions) {
  const who = requestTokenCheck(options.tokens);
  const pages: CallPages = { list: await page('calls.html'), call: await page('call.html') };

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const ours = (page: string) => path === page || path.startsWith(`${page}/`);
    if (!(ours('/calls') || path.startsWith('/api/') || (options.campaigns && ours('/campaigns'))))
      return false;
    const admin = who(req);
    if (!admin) {
      options.count?.('unauthorized', 401);
      res.setHeader('www-authenticate', 'Bearer');
      return replyJson(res, 401, {
        error: 'an admin token is needed (Authorization: Bearer or ?token=)',
      });
    }
    const by = `${admin.name}@${req.socket.remoteAddress ?? '?'}`;
    let parts: string[];
    try {
      parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      options.count?.('invalid', 400);
      return replyJson(res, 400, {
        error: `the path is not valid percent-encoding: ${path.slice(0, 80)}`,
      });
    }
    if (
      options.campaigns &&
      (parts[0] === 'campaigns' || (parts[0] === 'api' && parts[1] === 'campaigns'))
    )
      return options.campaigns({ req, res, parts, url, by });
    const request: AdminRequest = { req, res, url, by };
    if (parts[0] === 'calls') return callPages(options, pages, request, parts.slice(1));
    if (parts[1] === 'events' && parts.length === 2) return eventsRoute(options, request);
    if (parts[1] !== 'calls') return replyJson(res, 404, { error: 'not found' });
    return callApi(options, request, parts.slice(2));
  };
}

/** `GET /calls…`: the pages, a call's recording; `/calls/<id>` sends on to the call's own path. */
async function callPages(
  options: AdminRoutesOptions,
  pages: CallPages,
  { req, res, url }: AdminRequest,
  rest: readonly string[],
): Promise<boolean> {
  const { directory } = options;
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return replyJson(res, 405, { error: 'method not allowed' });
  const route = pageRoute(rest, (call) => directory.get(call) !== undefined);
  switch (route.kind) {
    case 'list':
      return replyHtml(res, pages.list);
    case 'by-id': {
      const found = findCall(directory, { id: route.id });
      if (!found.found) return replyJson(res, found.status, { error: found.error });
      res.writeHead(302, { location: `/calls/${callKey(found.call)}${url.search}` }).end();
      return true;
    }
    case 'call':
      return directory.get(route.call)
        ? replyHtml(res, pages.call)
        : replyJson(res, 404, { error: `no call ${callName(route.call)}` });
    case 'recording': {
      const found = findCall(directory, route.target);
      if (!found.found) return replyJson(res, found.status, { error: found.error });
      return sendRecording(options.recordings, found.call, res);
    }
    case 'not-found':
      return replyJson(res, 404, { error: 'not found' });
  }
}

/** `/api/calls…`: the list, one call, a command. */
async function callApi(
  options: AdminRoutesOptions,
  request: AdminRequest,
  rest: readonly string[],
): Promise<boolean> {
  const { res } = request;
  const route = apiCallRoute(rest, request.req.method);
  switch (route.kind) {
    case 'list':
      return replyJson(res, 200, { calls: options.directory.list().map(listedCall) });
    case 'call': {
      const found = findCall(options.directory, route.target);
      return found.found
        ? replyJson(res, 200, found.call)
        : replyJson(res, found.status, { error: found.error });
    }
    case 'command':
      return commandRoute(options, request, route.target, route.command);
    case 'method-not-allowed':
      return replyJson(res, 405, { error: 'method not allowed' });
    case 'not-found':
      return replyJson(res, 404, { error: 'not found' });
  }
}

/**
 * `POST /api/calls/[<tenant>/]<id>/<command>`: the body checked, the call found, the command
 * sent to whichever process or node holds it; logged with who asked and the holder.
 */
async function commandRoute(
  options: AdminRoutesOptions,
  { req, res, by }: AdminRequest,
  target: CallTarget,
  name: string,
): Promise<boolean> {
  const { directory, logger } = options;
  const named = { call_id: target.id.slice(0, 80), tenant: target.tenant?.slice(0, 80), by };
  let command: CallCommand;
  try {
    command = parseCommand(name, await readJsonBody(req, MAX_COMMAND_BYTES));
  } catch (error) {
    if (!(error instanceof BadRequest)) throw error;
    options.count?.('invalid', 400);
    logger.warn({ ...named, error: hideCredentials(error.message) }, 'call command refused');
    return replyJson(res, 400, { error: error.message });
  }
  const { call, result } = await sendCommand(directory, target, command, by);
  const status = result.ok ? 200 : result.status;
  options.count?.(command.type, status);
  const node = call && directory.get(call)?.node;
  logger.info(
    {
      ...named,
      ...(call && { tenant: call.tenant.slice(0, 80) }),
      command: command.type,
      ...(command.type === 'transfer' && { extension: command.extension }),
      ...(node && { node }),
      status,
    },
    'call command',
  );
  return result.ok ? replyJson(res, 200, result) : replyJson(res, status, { error: result.error });
}

/**
 * Sends `command` to the call `target` names: by tenant and id as given (the directory
 * answers for itself: it may know of a call its list does not hold yet), by its id alone
 * once the list names one call with it.
 */
async function sendCommand(
  directory: CallDirectory,
  target: CallTarget,
  command: CallCommand,
  by: string,
): Promise<{ call?: CallRef; result: CommandResult }> {
  if (target.tenant !== undefined)
    return { call: target, result: await directory.send(target, command, by) };
  const found = findCall(directory, target);
  if (!found.found) return { result: { ok: false, status: found.status, error: found.error } };
  const call = { tenant: found.call.tenant, id: found.call.id };
  return { call, result: await directory.send(call, command, by) };
}

/**
 * `GET /api/events`: server-sent events, the list (or, with `?call=<id>[&tenant=<tenant>]`,
 * one call) now, then each change.
 */
function eventsRoute(options: AdminRoutesOptions, { req, res, url }: AdminRequest): boolean {
  const { directory } = options;
  const id = url.searchParams.get('call');
  const tenant = url.searchParams.get('tenant') ?? undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return replyJson(res, 405, { error: 'method not allowed' });
  let follow: CallTarget | undefined; // one call, or (none) all
  let snapshot: LiveCall | null = null;
  if (id !== null) {
    const found = findCall(directory, tenant === undefined ? { id } : { tenant, id });
    if (!found.found && found.status === 409) return replyJson(res, 409, { error: found.error });
    // A call not there yet is followed as named, to show once it comes.
    follow = found.found ? { tenant: found.call.tenant, id } : { id, ...(tenant && { tenant }) };
    snapshot = found.found ? found.call : null;
  }
  let stop = () => {};
  const send = openEventStream(req, res, () => stop());
  send('snapshot', follow ? snapshot : directory.list().map(listedCall));
  stop = directory.watch((change) => {
    const ref = change.type === 'call' ? change.call : change;
    if (follow && (ref.id !== follow.id || (follow.tenant ?? ref.tenant) !== ref.tenant)) return;
    if (change.type === 'gone') send('gone', { tenant: ref.tenant, id: ref.id });
    else send('call', follow === undefined ? listedCall(change.call) : change.call);
  });
  return true;
}

/** A call's recording (stereo WAV) once on disk. */
async function sendRecording(
  recordings: string | undefined,
  call: LiveCall,
  res: ServerResponse,
): Promise<boolean> {
  const name = call.recording;
  const missing = (error: string) => replyJson(res, 404, { error });
  if (!recordings || !name || basename(name) !== name)
    return missing('no recording for this call (yet)');
  const file = join(recordings, name);
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
