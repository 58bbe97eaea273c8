import type { CampaignSpec } from './campaign-engine.js';
import type { AttemptRecord, Contact } from './campaign-types.js';
import { CampaignError } from './errors.js';

/** The parameters of one call, JSON-encoded, are at most this long (PSR puts them in a URL). */
export const MAX_PARAMETER_CHARS = 4096;

/**
 * What a call carries to the bot: the campaign's fixed parameters, the contact's fields, then
 * the ids the server side correlates by (`campaign_id`, `contact_id`, `attempt_id`,
 * `attempt`), which nothing else can replace.
 * @throws {CampaignError} `INVALID_CONTACTS` when they pass {@link MAX_PARAMETER_CHARS}
 */
export function dialParameters(
  spec: CampaignSpec,
  contact: Contact,
  attempt: Pick<AttemptRecord, 'attemptId' | 'attempt'>,
): Record<string, string> {
  const parameter = {
    ...spec.call.parameter,
    ...contact.fields,
    campaign_id: spec.id,
    contact_id: contact.id,
    attempt_id: attempt.attemptId,
    attempt: String(attempt.attempt),
  };
  const size = JSON.stringify(parameter).length;
  if (size > MAX_PARAMETER_CHARS)
    throw new CampaignError(
      'INVALID_CONTACTS',
      `contact ${contact.id}: the call's parameters take ${size} characters, over ${MAX_PARAMETER_CHARS}`,
      { path: `line ${contact.line}` },
    );
  return parameter;
}
