import { type AttemptRecord, OUTCOMES, type Outcome } from './campaign-types.js';
import { formatDuration } from './duration.js';
import { attemptDurations } from './results-csv.js';

/** A count per outcome (every outcome present, 0 when none). */
export type OutcomeCounts = Readonly<Record<Outcome, number>>;

/** Where a campaign stands, from its attempts. */
export interface CampaignSummary {
  /** Contacts in the campaign (those attempted, if the count given was lower). */
  readonly contacts: number;
  /** Contacts with at least one attempt. */
  readonly attempted: number;
  /** Contacts whose latest attempt has ended (a retry may still be due). */
  readonly settled: number;
  /** Contacts whose latest attempt is in flight. */
  readonly inFlight: number;
  /** Contacts a person answered (`completed` or `transferred`). */
  readonly reached: number;
  /** `reached` out of `contacts`, in percent (0 for no contacts). */
  readonly reachedPercent: number;
  /** Settled contacts by their latest attempt's outcome. */
  readonly byFinalOutcome: OutcomeCounts;
  /** Ended attempts by outcome. */
  readonly byAttemptOutcome: OutcomeCounts;
  /** Every attempt, in flight ones included. */
  readonly attempts: number;
  /** Talk time of the answered attempts, ms: in all, and on average per answered attempt. */
  readonly talkMs: { readonly total: number; readonly average: number; readonly calls: number };
  /** Attempts per attempted contact: on average, and the most. */
  readonly attemptsPerContact: { readonly mean: number; readonly max: number };
}

const REACHED: readonly Outcome[] = ['completed', 'transferred'];

function countsOf(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
}

/**
 * Sums a campaign up from its attempt records (one per attempt; a record seen again under the
 * same `attemptId` replaces the earlier one). A contact's outcome is its latest attempt's.
 *
 * @param contactCount - the campaign's contacts, attempted or not.
 */
export function summarise(records: Iterable<AttemptRecord>, contactCount: number): CampaignSummary {
  const byAttempt = new Map<string, AttemptRecord>();
  for (const record of records) byAttempt.set(record.attemptId, record);
  const latest = new Map<string, AttemptRecord>();
  const perContact = new Map<string, number>();
  const reached = new Set<string>();
  const byAttemptOutcome = countsOf();
  let talkTotal = 0;
  let talkCalls = 0;
  for (const record of byAttempt.values()) {
    const { contactId } = record;
    perContact.set(contactId, (perContact.get(contactId) ?? 0) + 1);
    const current = latest.get(contactId);
    if (current === undefined || isLater(record, current)) latest.set(contactId, record);
    if (record.outcome !== undefined) byAttemptOutcome[record.outcome]++;
    if (record.outcome !== undefined && REACHED.includes(record.outcome)) reached.add(contactId);
    const { talkMs } = attemptDurations(record);
    if (talkMs !== undefined) {
      talkTotal += talkMs;
      talkCalls++;
    }
  }
  const byFinalOutcome = countsOf();
  for (const record of latest.values())
    if (record.outcome !== undefined) byFinalOutcome[record.outcome]++;
  const settled = Object.values(byFinalOutcome).reduce((sum, n) => sum + n, 0);
  const contacts = Math.max(contactCount, latest.size);
  const counts = [...perContact.values()];
  return {
    contacts,
    attempted: latest.size,
    settled,
    inFlight: latest.size - settled,
    reached: reached.size,
    reachedPercent: contacts === 0 ? 0 : (reached.size / contacts) * 100,
    byFinalOutcome,
    byAttemptOutcome,
    attempts: byAttempt.size,
    talkMs: {
      total: talkTotal,
      average: talkCalls === 0 ? 0 : talkTotal / talkCalls,
      calls: talkCalls,
    },
    attemptsPerContact: {
      mean: counts.length === 0 ? 0 : byAttempt.size / counts.length,
      max: counts.reduce((max, n) => Math.max(max, n), 0),
    },
  };
}

function isLater(a: AttemptRecord, b: AttemptRecord): boolean {
  return a.attempt !== b.attempt ? a.attempt > b.attempt : a.dialledAt > b.dialledAt;
}

/** `completed 70, no-answer 30`: the outcomes that occurred, in {@link OUTCOMES} order. */
function listCounts(counts: OutcomeCounts): string {
  const parts = OUTCOMES.filter((outcome) => counts[outcome] > 0).map(
    (outcome) => `${outcome} ${counts[outcome]}`,
  );
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/**
 * A summary in a few plain lines, for the command line:
 *
 * ```text
 * Contacts: 120 (118 settled, 1 in flight, 1 not attempted)
 * Reached: 80 (66.7%)
 * Final outcomes: completed 70, transferred 10, voicemail 3, no-answer 30, busy 5
 * Attempts: 200 (1.7 per contact, at most 3): completed 70, transferred 10, …
 * Talk time: 2h 13m 20s (1m 40s on average over 80 calls)
 * ```
 */
export function formatSummary(summary: CampaignSummary): string {
  const s = summary;
  const notAttempted = s.contacts - s.attempted;
  const talk =
    s.talkMs.calls === 0
      ? 'none'
      : `${formatDuration(s.talkMs.total)} (${formatDuration(s.talkMs.average)} on average over ${s.talkMs.calls} call${s.talkMs.calls === 1 ? '' : 's'})`;
  return [
    `Contacts: ${s.contacts} (${s.settled} settled, ${s.inFlight} in flight, ${notAttempted} not attempted)`,
    `Reached: ${s.reached} (${s.reachedPercent.toFixed(1)}%)`,
    `Final outcomes: ${listCounts(s.byFinalOutcome)}`,
    `Attempts: ${s.attempts} (${s.attemptsPerContact.mean.toFixed(1)} per contact, at most ${s.attemptsPerContact.max}): ${listCounts(s.byAttemptOutcome)}`,
    `Talk time: ${talk}`,
  ].join('\n');
}
