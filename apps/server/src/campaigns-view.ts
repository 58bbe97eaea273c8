import type { ServerResponse } from 'node:http';
import {
  type AttemptRecord,
  attemptCsvHeader,
  attemptCsvRow,
  attemptJsonLine,
  type CampaignEngine,
  type CampaignInfo,
  type CampaignSummary,
  summarise,
} from '@psrkit/campaign';

/** How many of a campaign's latest attempts its page and its JSON carry. */
export const LATEST_ATTEMPTS = 50;

/** A campaign as `GET /api/campaigns/<id>` shows it. */
export interface CampaignDetail extends CampaignInfo {
  /** Reached %, outcomes, talk time, attempts per contact (`summarise`). */
  readonly summary: CampaignSummary;
  /** The latest attempts, newest first (at most {@link LATEST_ATTEMPTS}). */
  readonly latest: readonly AttemptRecord[];
}

async function allAttempts(engine: CampaignEngine, id: string): Promise<AttemptRecord[]> {
  const attempts: AttemptRecord[] = [];
  for await (const attempt of engine.attempts(id)) attempts.push(attempt);
  return attempts;
}

/** A campaign with its summary and latest attempts (its every attempt is read). */
export async function campaignDetail(
  engine: CampaignEngine,
  info: CampaignInfo,
): Promise<CampaignDetail> {
  const attempts = await allAttempts(engine, info.spec.id);
  return {
    ...info,
    summary: summarise(attempts, info.counts.contacts),
    latest: attempts.slice(-LATEST_ATTEMPTS).reverse(),
  };
}

/**
 * Every ended attempt of a campaign as a download, in the results file's format: CSV (a
 * column per bot result field, formulas neutralised) or JSON Lines.
 */
export async function sendAttempts(
  res: ServerResponse,
  engine: CampaignEngine,
  id: string,
  format: 'csv' | 'jsonl',
): Promise<true> {
  const ended = (await allAttempts(engine, id)).filter((a) => a.phase === 'ended');
  const keys = [...new Set(ended.flatMap((a) => Object.keys(a.result)))];
  const lines =
    format === 'jsonl'
      ? ended.map((a) => attemptJsonLine(a))
      : [attemptCsvHeader(keys), ...ended.map((a) => attemptCsvRow(a, keys))];
  res.writeHead(200, {
    'content-type':
      format === 'jsonl' ? 'application/jsonl; charset=utf-8' : 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${id}.results.${format}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(lines.map((line) => `${line}\n`).join(''));
  return true;
}
