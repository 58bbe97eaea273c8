import type { CampaignSpec } from './campaign-engine.js';
import { CampaignError } from './errors.js';

/** What a campaign id may be: it travels in every call's URL as `campaign_id`. */
export const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Checks what the engine cannot work without: the id, and the URL PSR dials back.
 * (The policy is checked where it is made: `resolvePolicy`.)
 * @throws {CampaignError} `INVALID_SETTING` naming the field
 */
export function checkCampaignSpec(spec: CampaignSpec): void {
  if (!CAMPAIGN_ID.test(spec.id))
    throw new CampaignError(
      'INVALID_SETTING',
      `a campaign id must match ${CAMPAIGN_ID.source}, got ${JSON.stringify(spec.id.slice(0, 80))}`,
      { path: 'id' },
    );
  if (!/^wss?:\/\/[^\s]+$/.test(spec.call.botUrl))
    throw new CampaignError(
      'INVALID_SETTING',
      `the bot's URL must be ws:// or wss://, got ${JSON.stringify(spec.call.botUrl.slice(0, 120))}`,
      { path: 'call.botUrl' },
    );
}
