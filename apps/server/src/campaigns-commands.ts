import { CampaignError, type CampaignErrorCode } from '@psrkit/campaign';
import { CampaignBodyProblems, campaignOfBody } from './campaigns-body.js';
import type { CampaignRequest, CampaignRoutesOptions } from './campaigns-routes.js';
import { hideCredentials } from './credential-text.js';
import { BadRequest, readJsonBody, replyJson } from './http-replies.js';

/** The most a create request's body may hold, bytes (its contacts' text with it). */
export const MAX_CAMPAIGN_BYTES = 16 * 1024 * 1024;

/** The lifecycle steps an operator may ask for. */
export const LIFECYCLE = ['start', 'pause', 'resume', 'cancel'] as const;
export type Lifecycle = (typeof LIFECYCLE)[number];

const STATUS: Readonly<Record<CampaignErrorCode, number>> = {
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  STORE_ERROR: 503,
  INVALID_SETTING: 400,
  INVALID_CONTACTS: 400,
};

/** A `CampaignError` as an answer: 404 for an unknown campaign, 409 for a lifecycle refusal. */
export function campaignErrorReply(error: CampaignError): { status: number; body: object } {
  return { status: STATUS[error.code] ?? 400, body: { error: error.message, code: error.code } };
}

/** What a refused command answers; anything else is rethrown. */
function refusal(error: unknown): { status: number; body: object } {
  if (error instanceof BadRequest) return { status: error.status, body: { error: error.message } };
  if (error instanceof CampaignBodyProblems)
    return { status: 400, body: { error: error.message, problems: error.problems } };
  if (CampaignError.isInstance(error)) return campaignErrorReply(error);
  throw error;
}

/** Logs and counts a command (`campaign-<command>` by status), then answers it. */
function answer(
  options: CampaignRoutesOptions,
  request: CampaignRequest,
  what: { command: string; id: string },
  status: number,
  body: object,
): true {
  options.count?.(`campaign-${what.command}`, status);
  const error = (body as { error?: string }).error;
  options.logger[status < 400 ? 'info' : 'warn'](
    {
      campaign_id: what.id.slice(0, 80),
      command: what.command,
      by: request.by,
      status,
      ...(error && { error: hideCredentials(error) }),
    },
    'campaign command',
  );
  return replyJson(request.res, status, body);
}

/**
 * `POST /api/campaigns`: stores the campaign a body describes (and starts it when asked);
 * 201 with the campaign, its skipped rows and merged duplicates.
 */
export async function createCampaign(
  options: CampaignRoutesOptions,
  request: CampaignRequest,
): Promise<true> {
  const what = { command: 'create', id: '?' };
  try {
    const body = await readJsonBody(request.req, MAX_CAMPAIGN_BYTES);
    if (typeof body['id'] === 'string') what.id = body['id'];
    const creation = campaignOfBody(body, options.callDefaults());
    const { engine } = options;
    let info = await engine.create(creation.spec, creation.contacts);
    if (creation.start !== false)
      info = await engine.start(what.id, creation.start === true ? undefined : creation.start);
    const { skipped, duplicates } = creation;
    return answer(options, request, what, 201, { ...info, skipped, duplicates });
  } catch (error) {
    const { status, body } = refusal(error);
    return answer(options, request, what, status, body);
  }
}

/** `POST /api/campaigns/<id>/<step>`: 200 with the campaign; `start` takes `{ "at": time }`. */
export async function moveCampaign(
  options: CampaignRoutesOptions,
  request: CampaignRequest,
  id: string,
  command: Lifecycle,
): Promise<true> {
  const what = { command, id };
  try {
    const body = command === 'start' ? await readJsonBody(request.req, 1024) : {};
    const at = body['at'];
    if (at !== undefined && (typeof at !== 'string' || Number.isNaN(Date.parse(at))))
      throw new BadRequest('at: a time, e.g. "2026-01-05T08:00:00+07:00"');
    const info =
      command === 'start' && typeof at === 'string'
        ? await options.engine.start(id, Date.parse(at))
        : await options.engine[command](id);
    return answer(options, request, what, 200, info);
  } catch (error) {
    const { status, body } = refusal(error);
    return answer(options, request, what, status, body);
  }
}
