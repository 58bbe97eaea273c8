import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { type CampaignEngine, CampaignError, type CampaignInfo } from '@psrkit/campaign';
import type { Logger } from 'pino';
import type { CallDirectory } from './call-directory.js';
import type { CallDefaults } from './campaigns-body.js';
import {
  campaignErrorReply,
  createCampaign,
  LIFECYCLE,
  type Lifecycle,
  moveCampaign,
} from './campaigns-commands.js';
import { streamCampaign } from './campaigns-stream.js';
import { campaignDetail, sendAttempts } from './campaigns-view.js';
import { replyHtml, replyJson } from './http-replies.js';
import { page } from './operator-pages.js';

export { MAX_CAMPAIGN_BYTES } from './campaigns-commands.js';

export interface CampaignRoutesOptions {
  readonly engine: CampaignEngine;
  readonly directory: CallDirectory;
  readonly logger: Logger;
  /** What a created campaign's calls get when the request leaves them out (asked at each create). */
  readonly callDefaults: () => CallDefaults;
  /** Counts each campaign command (`campaign-create`, `campaign-pause`…) by status. */
  readonly count?: (kind: string, status: number) => void;
}

/** Where a request is, once the admin routes have let it in. */
export interface CampaignRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The path's parts, decoded: `['api', 'campaigns', '<id>', 'pause']`. */
  readonly parts: readonly string[];
  readonly url: URL;
  /** Who asked: `<token name>@<address>`. */
  readonly by: string;
}

/** The routes' state: their options and the pages, read once. */
interface Routes {
  readonly options: CampaignRoutesOptions;
  readonly pages: { readonly list: string; readonly one: string };
}

const require = createRequire(import.meta.url);
/** The campaign pages, with the chart library (uPlot) inlined where the page says. */
async function campaignPages(): Promise<Routes['pages']> {
  const [list, one, uplot, uplotCss] = await Promise.all([
    page('campaigns.html'),
    page('campaign.html'),
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  return {
    list,
    // Replaced by a function: a `$` in the library is not a replacement pattern.
    one: one.replace('/*uplot-css*/', () => uplotCss).replace('/*uplot-js*/', () => uplot),
  };
}

/**
 * The campaign routes, behind the admin routes' token check: the pages `GET /campaigns` and
 * `GET /campaigns/<id>`; `GET|POST /api/campaigns`, `GET /api/campaigns/<id>`,
 * `POST /api/campaigns/<id>/start|pause|resume|cancel`,
 * `GET /api/campaigns/<id>/attempts?format=csv|jsonl` and `GET /api/campaigns/<id>/events`.
 */
export async function campaignRoutes(options: CampaignRoutesOptions) {
  const routes: Routes = { options, pages: await campaignPages() };
  return async (request: CampaignRequest): Promise<boolean> => {
    try {
      return request.parts[0] === 'campaigns'
        ? await pageRoute(routes, request)
        : await apiRoute(routes, request);
    } catch (error) {
      if (!CampaignError.isInstance(error)) throw error;
      const { status, body } = campaignErrorReply(error);
      return replyJson(request.res, status, body);
    }
  };
}

const isGet = (req: IncomingMessage) => req.method === 'GET' || req.method === 'HEAD';
const notAllowed = (res: ServerResponse) => replyJson(res, 405, { error: 'method not allowed' });
const notFound = (res: ServerResponse) => replyJson(res, 404, { error: 'not found' });

/** `GET /campaigns`, `GET /campaigns/<id>` (a known campaign's). */
async function pageRoute({ options, pages }: Routes, { req, res, parts }: CampaignRequest) {
  if (!isGet(req)) return notAllowed(res);
  if (parts.length === 1) return replyHtml(res, pages.list);
  if (parts.length > 2) return notFound(res);
  await known(options.engine, parts[1]!);
  return replyHtml(res, pages.one);
}

/** `/api/campaigns…` */
async function apiRoute({ options }: Routes, request: CampaignRequest): Promise<boolean> {
  const { req, res, parts } = request;
  const { engine } = options;
  const [, , id, action] = parts;
  if (id === undefined) {
    if (req.method === 'POST') return createCampaign(options, request);
    if (!isGet(req)) return notAllowed(res);
    return replyJson(res, 200, { campaigns: await engine.list() });
  }
  if (parts.length > 4) return notFound(res);
  if (LIFECYCLE.includes(action as Lifecycle)) {
    if (req.method !== 'POST') return notAllowed(res);
    return moveCampaign(options, request, id, action as Lifecycle);
  }
  if (!isGet(req)) return notAllowed(res);
  if (action === undefined)
    return replyJson(res, 200, await campaignDetail(engine, await known(engine, id)));
  if (action === 'events')
    return streamCampaign(req, res, engine, options.directory, await known(engine, id), (error) =>
      options.logger.warn({ err: error, campaign_id: id }, 'campaign events: the store failed'),
    );
  if (action === 'attempts') return exportAttempts(engine, request, id);
  return notFound(res);
}

async function known(engine: CampaignEngine, id: string): Promise<CampaignInfo> {
  const info = await engine.get(id);
  if (!info) throw new CampaignError('NOT_FOUND', `no campaign ${JSON.stringify(id.slice(0, 80))}`);
  return info;
}

async function exportAttempts(engine: CampaignEngine, { res, url }: CampaignRequest, id: string) {
  const format = url.searchParams.get('format') ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl')
    return replyJson(res, 400, {
      error: `format: "csv" or "jsonl", got ${JSON.stringify(format.slice(0, 20))}`,
    });
  await known(engine, id);
  return sendAttempts(res, engine, id, format);
}
