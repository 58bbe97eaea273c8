import type {
  CampaignCounts,
  CampaignInfo,
  CampaignSpec,
  CampaignState,
} from './campaign-engine.js';
import {
  type AttemptPhase,
  type AttemptRecord,
  type Contact,
  OUTCOMES,
  type Outcome,
} from './campaign-types.js';
import { CampaignError } from './errors.js';

/** A Redis hash as ioredis returns it (`HGETALL`: `{}` for a missing key). */
export type RedisHash = Record<string, string>;

/** Where a contact is: waiting for an attempt, in one, or done with. */
export type ContactStatus = 'pending' | 'active' | 'settled';

/** A contact as stored: the contact and where its attempts are. */
export interface StoredContact {
  readonly contact: Contact;
  /** Its sequence number in the campaign (attempt ids are made of it). */
  readonly seq: number;
  readonly status: ContactStatus;
  /** Attempts made. */
  readonly tries: number;
  /** When its next attempt is due (pending only), ms. */
  readonly nextAt: number;
}

/** An attempt as stored: the record, and which engines dialled and answered it. */
export interface StoredAttempt {
  readonly record: AttemptRecord;
  /** The claim's nonce: one run of one job. */
  readonly nonce: string;
  /** The engine whose server holds the call, once answered. */
  readonly answeredBy?: string;
}

const num = (value: string | undefined): number | undefined =>
  value === undefined || value === '' ? undefined : Number(value);

const parse = <T>(text: string, what: string): T => {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new CampaignError('STORE_ERROR', `Redis holds unreadable ${what}`, { cause });
  }
};

/** An attempt's hash as a record; undefined for a missing (empty) hash. */
export function attemptFromHash(attemptId: string, hash: RedisHash): StoredAttempt | undefined {
  if (hash['phase'] === undefined) return undefined;
  const optional = {
    callId: hash['callId'],
    recordingUrl: hash['recordingUrl'],
    fullRecordingUrl: hash['fullRecordingUrl'],
    answeredAt: num(hash['answeredAt']),
    endedAt: num(hash['endedAt']),
    outcome: hash['outcome'] as Outcome | undefined,
    reason: hash['reason'],
    verdict: hash['verdict'],
  };
  const record: AttemptRecord = {
    attemptId,
    campaignId: hash['campaignId'] as string,
    contactId: hash['contactId'] as string,
    phone: hash['phone'] as string,
    attempt: Number(hash['n']),
    phase: hash['phase'] as AttemptPhase,
    dialledAt: Number(hash['dialledAt']),
    ...(Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) as object),
    result: parse<Record<string, string>>(hash['result'] || '{}', `the result of ${attemptId}`),
  };
  const answeredBy = hash['answeredBy'];
  return { record, nonce: hash['nonce'] ?? '', ...(answeredBy !== undefined && { answeredBy }) };
}

/** A contact's hash; undefined for a missing one. */
export function contactFromHash(hash: RedisHash): StoredContact | undefined {
  if (hash['id'] === undefined) return undefined;
  return {
    contact: {
      id: hash['id'],
      phone: hash['phone'] as string,
      fields: parse<Record<string, string>>(
        hash['fields'] || '{}',
        `the fields of contact ${hash['id']}`,
      ),
      line: Number(hash['line']),
    },
    seq: Number(hash['seq']),
    status: hash['status'] as ContactStatus,
    tries: Number(hash['tries']),
    nextAt: Number(hash['nextAt']),
  };
}

/** A campaign's counters. */
export function countsFromHash(hash: RedisHash): CampaignCounts {
  const outcomes: Partial<Record<Outcome, number>> = {};
  for (const outcome of OUTCOMES) {
    const n = num(hash[`o:${outcome}`]);
    if (n) outcomes[outcome] = n;
  }
  return {
    contacts: Number(hash['contacts'] ?? 0),
    pending: Number(hash['pending'] ?? 0),
    inFlight: Number(hash['active'] ?? 0),
    settled: Number(hash['settled'] ?? 0),
    attempts: Number(hash['attempts'] ?? 0),
    outcomes,
  };
}

/** A campaign's hash as the engine's answer; undefined for a missing one. */
export function campaignFromHash(hash: RedisHash): CampaignInfo | undefined {
  if (hash['spec'] === undefined) return undefined;
  const startAt = num(hash['startAt']);
  const endedAt = num(hash['endedAt']);
  return {
    spec: parse<CampaignSpec>(hash['spec'], `the spec of campaign ${hash['id']}`),
    state: hash['state'] as CampaignState,
    createdAt: Number(hash['createdAt']),
    ...(startAt !== undefined && { startAt }),
    ...(endedAt !== undefined && { endedAt }),
    counts: countsFromHash(hash),
  };
}
