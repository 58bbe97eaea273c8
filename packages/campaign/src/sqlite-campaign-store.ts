import type {
  CallEndReport,
  CampaignCounts,
  CampaignInfo,
  CampaignSpec,
  DialReply,
} from './campaign-engine.js';
import type { AttemptRecord, Contact, Outcome } from './campaign-types.js';
import { CampaignError } from './errors.js';
import { type LifecycleCommand, nextState } from './lifecycle.js';
import { nextAttempt } from './retry-policy.js';
import { type SqliteDatabase, transaction } from './sqlite-database.js';
import { attemptFromRow, campaignFromRow, contactFromRow } from './sqlite-rows.js';

/** The phases of an attempt in flight, as SQL (an IN list, so the index serves it). */
const IN_FLIGHT = "phase IN ('dialling', 'ringing', 'answered')";

/** A contact due for its next attempt, with the row id its attempt ids are made of. */
export interface DueContact {
  readonly contact: Contact;
  readonly seq: number;
  readonly attempts: number;
}

/**
 * The embedded engine's tables and the operations on them, each one transaction: a
 * campaign, its contacts (`pending → active → pending | settled`) and their attempts
 * (`dialling → ringing → answered → ended`). An attempt's row is committed before its dial.
 */
export class SqliteCampaignStore {
  readonly #db: SqliteDatabase;
  /** This process's run: attempts of an earlier run are orphans once it is gone. */
  readonly runId: string;

  constructor(db: SqliteDatabase, runId: string) {
    this.#db = db;
    this.runId = runId;
  }

  createCampaign(spec: CampaignSpec, contacts: readonly Contact[], now: number): void {
    transaction(this.#db, () => {
      if (this.#db.get('SELECT 1 FROM campaigns WHERE id = ?', [spec.id]))
        throw new CampaignError('INVALID_STATE', `campaign ${spec.id} exists already`, {
          path: 'id',
        });
      this.#db.run('INSERT INTO campaigns (id, spec, state, created_at) VALUES (?, ?, ?, ?)', [
        spec.id,
        JSON.stringify(spec),
        'draft',
        now,
      ]);
      this.#insertContacts(spec.id, contacts);
    });
  }

  addContacts(id: string, contacts: readonly Contact[]): { added: number; known: number } {
    return transaction(this.#db, () => {
      this.#campaignRow(id);
      const added = this.#insertContacts(id, contacts);
      return { added, known: contacts.length - added };
    });
  }

  #insertContacts(id: string, contacts: readonly Contact[]): number {
    let added = 0;
    for (const c of contacts)
      added += this.#db.run(
        `INSERT OR IGNORE INTO contacts (campaign_id, contact_id, phone, fields, line, status)
         VALUES (?, ?, ?, ?, ?, 'pending')`,
        [id, c.id, c.phone, JSON.stringify(c.fields), c.line],
      ).changes;
    return added;
  }

  #campaignRow(id: string): Record<string, unknown> {
    const row = this.#db.get('SELECT * FROM campaigns WHERE id = ?', [id]);
    if (!row)
      throw new CampaignError('NOT_FOUND', `no campaign ${JSON.stringify(id)}`, { path: 'id' });
    return row;
  }

  campaign(id: string): CampaignInfo | undefined {
    const row = this.#db.get('SELECT * FROM campaigns WHERE id = ?', [id]);
    return row ? campaignFromRow(row, this.counts(id)) : undefined;
  }

  campaigns(): CampaignInfo[] {
    return this.#db
      .all('SELECT * FROM campaigns ORDER BY created_at, id')
      .map((row) => campaignFromRow(row, this.counts(row['id'] as string)));
  }

  spec(id: string): CampaignSpec {
    return JSON.parse(this.#campaignRow(id)['spec'] as string) as CampaignSpec;
  }

  /** Moves a campaign through its lifecycle (see `nextState`). */
  command(id: string, command: LifecycleCommand, now: number, startAt?: number): CampaignInfo {
    transaction(this.#db, () => {
      const row = this.#campaignRow(id);
      const state = nextState(row['state'] as CampaignInfo['state'], command, id);
      const ended = state === 'completed' || state === 'cancelled' ? now : null;
      const start = command === 'schedule' ? startAt : command === 'start' ? now : row['start_at'];
      this.#db.run('UPDATE campaigns SET state = ?, ended_at = ?, start_at = ? WHERE id = ?', [
        state,
        ended,
        start ?? null,
        id,
      ]);
    });
    return this.campaign(id) as CampaignInfo;
  }

  counts(id: string): CampaignCounts {
    const byStatus = Object.fromEntries(
      this.#db
        .all('SELECT status, count(*) AS n FROM contacts WHERE campaign_id = ? GROUP BY status', [
          id,
        ])
        .map((r) => [r['status'], r['n'] as number]),
    ) as Record<string, number>;
    const outcomes = Object.fromEntries(
      this.#db
        .all(
          `SELECT outcome, count(*) AS n FROM attempts WHERE campaign_id = ? AND outcome IS NOT NULL
           GROUP BY outcome`,
          [id],
        )
        .map((r) => [r['outcome'], r['n'] as number]),
    ) as Partial<Record<Outcome, number>>;
    const attempts = this.#db.get('SELECT count(*) AS n FROM attempts WHERE campaign_id = ?', [id]);
    const pending = byStatus['pending'] ?? 0;
    const active = byStatus['active'] ?? 0;
    const settled = byStatus['settled'] ?? 0;
    return {
      contacts: pending + active + settled,
      pending,
      inFlight: this.inFlightCount(id),
      settled,
      attempts: (attempts?.['n'] as number) ?? 0,
      outcomes,
    };
  }

  /** Campaigns that may dial: running, or scheduled. */
  live(): { id: string; state: 'running' | 'scheduled'; startAt?: number; lastDialAt?: number }[] {
    return this.#db
      .all(
        "SELECT id, state, start_at, last_dial_at FROM campaigns WHERE state IN ('running', 'scheduled')",
      )
      .map((r) => ({
        id: r['id'] as string,
        state: r['state'] as 'running' | 'scheduled',
        ...(typeof r['start_at'] === 'number' && { startAt: r['start_at'] }),
        ...(typeof r['last_dial_at'] === 'number' && { lastDialAt: r['last_dial_at'] }),
      }));
  }

  /** Attempts dialled and not settled, with the run that dialled them. */
  inFlight(id: string): (AttemptRecord & { runId: string })[] {
    return this.#db
      .all(`SELECT * FROM attempts WHERE campaign_id = ? AND ${IN_FLIGHT}`, [id])
      .map((row) => ({ ...attemptFromRow(row), runId: row['run_id'] as string }));
  }

  /** How many attempts of a campaign are in flight. */
  inFlightCount(id: string): number {
    const row = this.#db.get(
      `SELECT count(*) AS n FROM attempts WHERE campaign_id = ? AND ${IN_FLIGHT}`,
      [id],
    );
    return (row?.['n'] as number) ?? 0;
  }

  /** The next contact whose attempt is due, and when the next one after `now` will be. */
  due(id: string, now: number): { next?: DueContact; later?: number } {
    const row = this.#db.get(
      `SELECT rowid AS seq, * FROM contacts WHERE campaign_id = ? AND status = 'pending'
       ORDER BY next_at, rowid LIMIT 1`,
      [id],
    );
    if (!row) return {};
    const nextAt = row['next_at'] as number;
    if (nextAt > now) return { later: nextAt };
    return {
      next: {
        contact: contactFromRow(row),
        seq: row['seq'] as number,
        attempts: row['attempts'] as number,
      },
    };
  }

  /** True when no contact of the campaign is waiting or in flight. */
  allSettled(id: string): boolean {
    return !this.#db.get(
      "SELECT 1 FROM contacts WHERE campaign_id = ? AND status != 'settled' LIMIT 1",
      [id],
    );
  }

  isSuppressed(phone: string): boolean {
    return this.#db.get('SELECT 1 FROM suppressed WHERE phone = ?', [phone]) !== null;
  }

  suppress(phones: readonly string[], now: number): void {
    transaction(this.#db, () => {
      for (const phone of phones)
        this.#db.run('INSERT OR IGNORE INTO suppressed (phone, added_at) VALUES (?, ?)', [
          phone,
          now,
        ]);
    });
  }

  /** When the number was last dialled by any campaign of this store. */
  lastDialOf(phone: string): number | undefined {
    const row = this.#db.get('SELECT last_dial_at FROM numbers WHERE phone = ?', [phone]);
    return row ? (row['last_dial_at'] as number) : undefined;
  }

  postpone(id: string, contactId: string, until: number): void {
    this.#db.run('UPDATE contacts SET next_at = ? WHERE campaign_id = ? AND contact_id = ?', [
      until,
      id,
      contactId,
    ]);
  }

  /**
   * Takes the contact's next attempt: the attempt's row (`dialling`), the contact `active`,
   * the number's and the campaign's last dial, in one transaction committed before the dial.
   */
  claim(id: string, due: DueContact, now: number): AttemptRecord {
    const n = due.attempts + 1;
    const attemptId = `${id}.${due.seq}.${n}`;
    transaction(this.#db, () => {
      this.#db.run(
        `INSERT INTO attempts (attempt_id, campaign_id, contact_id, phone, n, phase, run_id, dialled_at)
         VALUES (?, ?, ?, ?, ?, 'dialling', ?, ?)`,
        [attemptId, id, due.contact.id, due.contact.phone, n, this.runId, now],
      );
      this.#db.run(
        "UPDATE contacts SET status = 'active', attempts = ? WHERE campaign_id = ? AND contact_id = ?",
        [n, id, due.contact.id],
      );
      this.#db.run(
        'INSERT INTO numbers (phone, last_dial_at) VALUES (?, ?) ON CONFLICT (phone) DO UPDATE SET last_dial_at = excluded.last_dial_at',
        [due.contact.phone, now],
      );
      this.#db.run('UPDATE campaigns SET last_dial_at = ? WHERE id = ?', [now, id]);
    });
    return this.attempt(attemptId) as AttemptRecord;
  }

  /** A contact found on the do-not-call list right before its dial: settled, never dialled. */
  suppressed(id: string, due: DueContact, now: number): AttemptRecord {
    const n = due.attempts + 1;
    const attemptId = `${id}.${due.seq}.${n}`;
    transaction(this.#db, () => {
      this.#db.run(
        `INSERT INTO attempts (attempt_id, campaign_id, contact_id, phone, n, phase, run_id,
           dialled_at, ended_at, outcome, reason)
         VALUES (?, ?, ?, ?, ?, 'ended', ?, ?, ?, 'suppressed', 'on the do-not-call list')`,
        [attemptId, id, due.contact.id, due.contact.phone, n, this.runId, now, now],
      );
      this.#db.run(
        `UPDATE contacts SET status = 'settled', attempts = ?, final_outcome = 'suppressed'
         WHERE campaign_id = ? AND contact_id = ?`,
        [n, id, due.contact.id],
      );
    });
    return this.attempt(attemptId) as AttemptRecord;
  }

  attempt(attemptId: string): AttemptRecord | undefined {
    const row = this.#db.get('SELECT * FROM attempts WHERE attempt_id = ?', [attemptId]);
    return row ? attemptFromRow(row) : undefined;
  }

  /** create-stream answered: the attempt rings (its call may have reached the bot first). */
  ringing(attemptId: string, reply: DialReply): AttemptRecord | undefined {
    const changed = this.#db.run(
      `UPDATE attempts SET call_id = ?, recording_url = ?, full_recording_url = ?,
         phase = CASE phase WHEN 'dialling' THEN 'ringing' ELSE phase END
       WHERE attempt_id = ?`,
      [reply.callId, reply.recordingUrl ?? null, reply.fullRecordingUrl ?? null, attemptId],
    ).changes;
    return changed ? this.attempt(attemptId) : undefined;
  }

  /**
   * The attempt's call reached the bot; undefined when it is not in flight. A call that
   * comes after its ring timeout (`no-answer` or `unknown`, never answered) is taken back
   * in flight: the person is on the line, and their contact's retry is off while it lasts.
   */
  answered(attemptId: string, at: number): AttemptRecord | undefined {
    const changed = transaction(this.#db, () => {
      const row = this.#db.get(
        `SELECT campaign_id, contact_id, n FROM attempts WHERE attempt_id = ? AND (
           phase IN ('dialling', 'ringing')
           OR (phase = 'ended' AND outcome IN ('no-answer', 'unknown') AND answered_at IS NULL))`,
        [attemptId],
      );
      if (!row) return false;
      this.#db.run(
        `UPDATE attempts SET phase = 'answered', answered_at = ?, run_id = ?, ended_at = NULL,
           outcome = NULL, reason = NULL WHERE attempt_id = ?`,
        [at, this.runId, attemptId],
      );
      this.#db.run(
        `UPDATE contacts SET status = 'active', final_outcome = NULL
         WHERE campaign_id = ? AND contact_id = ? AND attempts = ?`,
        [row['campaign_id'], row['contact_id'], row['n']],
      );
      return true;
    });
    return changed ? this.attempt(attemptId) : undefined;
  }

  /**
   * Ends an attempt in flight and decides its contact's next step by the policy; undefined
   * when the attempt is unknown or already ended.
   */
  settle(attemptId: string, end: CallEndReport): AttemptRecord | undefined {
    const done = transaction(this.#db, () => {
      const row = this.#db.get(
        "SELECT campaign_id, contact_id, n FROM attempts WHERE attempt_id = ? AND phase != 'ended'",
        [attemptId],
      );
      if (!row) return false;
      const id = row['campaign_id'] as string;
      this.#db.run(
        `UPDATE attempts SET phase = 'ended', ended_at = ?, outcome = ?, reason = ?, verdict = ?,
           result = ? WHERE attempt_id = ?`,
        [
          end.at,
          end.outcome,
          end.reason,
          end.verdict ?? null,
          JSON.stringify(end.result ?? {}),
          attemptId,
        ],
      );
      const contact = this.#db.get(
        'SELECT attempts FROM contacts WHERE campaign_id = ? AND contact_id = ?',
        [id, row['contact_id']],
      );
      // A late end of an earlier attempt (a later one was dialled meanwhile) leaves the
      // contact to the later one.
      if (contact?.['attempts'] !== row['n']) return true;
      const next = nextAttempt(
        this.spec(id).policy,
        end.outcome,
        contact?.['attempts'] as number,
        end.at,
      );
      this.#db.run(
        `UPDATE contacts SET status = ?, next_at = ?, final_outcome = ?
         WHERE campaign_id = ? AND contact_id = ?`,
        next.retry
          ? ['pending', next.at, null, id, row['contact_id']]
          : ['settled', end.at, end.outcome, id, row['contact_id']],
      );
      return true;
    });
    return done ? this.attempt(attemptId) : undefined;
  }

  /** Every attempt of a campaign in the order dialled, a page at a time. */
  *attempts(id: string, pageSize = 1000): Generator<AttemptRecord> {
    let after = 0;
    for (;;) {
      const rows = this.#db.all(
        'SELECT rowid AS seq, * FROM attempts WHERE campaign_id = ? AND rowid > ? ORDER BY rowid LIMIT ?',
        [id, after, pageSize],
      );
      for (const row of rows) yield attemptFromRow(row);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]?.['seq'] as number;
    }
  }

  close(): void {
    this.#db.close();
  }
}
