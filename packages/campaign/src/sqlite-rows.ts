import type {
  CampaignCounts,
  CampaignInfo,
  CampaignSpec,
  CampaignState,
} from './campaign-engine.js';
import type { AttemptPhase, AttemptRecord, Contact, Outcome } from './campaign-types.js';

type Row = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** An `attempts` row as a record. */
export function attemptFromRow(row: Row): AttemptRecord {
  const optional = {
    callId: text(row['call_id']),
    recordingUrl: text(row['recording_url']),
    fullRecordingUrl: text(row['full_recording_url']),
    answeredAt: num(row['answered_at']),
    endedAt: num(row['ended_at']),
    outcome: text(row['outcome']) as Outcome | undefined,
    reason: text(row['reason']),
    verdict: text(row['verdict']),
  };
  return {
    attemptId: row['attempt_id'] as string,
    campaignId: row['campaign_id'] as string,
    contactId: row['contact_id'] as string,
    phone: row['phone'] as string,
    attempt: row['n'] as number,
    phase: row['phase'] as AttemptPhase,
    dialledAt: row['dialled_at'] as number,
    ...(Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) as object),
    result: JSON.parse((row['result'] as string) || '{}') as Record<string, string>,
  };
}

/** A `contacts` row as a contact. */
export function contactFromRow(row: Row): Contact {
  return {
    id: row['contact_id'] as string,
    phone: row['phone'] as string,
    fields: JSON.parse(row['fields'] as string) as Record<string, string>,
    line: row['line'] as number,
  };
}

/** A `campaigns` row and its counts as the engine's answer. */
export function campaignFromRow(row: Row, counts: CampaignCounts): CampaignInfo {
  const startAt = num(row['start_at']);
  const endedAt = num(row['ended_at']);
  return {
    spec: JSON.parse(row['spec'] as string) as CampaignSpec,
    state: row['state'] as CampaignState,
    createdAt: row['created_at'] as number,
    ...(startAt !== undefined && { startAt }),
    ...(endedAt !== undefined && { endedAt }),
    counts,
  };
}
