/** A person to call, as imported from a contacts file. */
export interface Contact {
  /** Stable within a campaign: the file's `contact_id` (or `id`) column, else the phone number. */
  readonly id: string;
  /** The number, normalised (E.164, e.g. `+84912345678`). */
  readonly phone: string;
  /** The other columns, bounded and checked: they become the call's parameters. */
  readonly fields: Readonly<Record<string, string>>;
  /** The line of the file it came from (the first, when duplicates were merged). */
  readonly line: number;
}

/**
 * What an attempt came to.
 * - answered: `completed` (the call ended: who ended it is in the reason), `transferred`,
 *   `voicemail` (a machine answered: the answer detector's verdict);
 * - not answered: `no-answer` (no call reached the bot within the ring timeout), `busy` and
 *   `unreachable` (a carrier announcement said so), `invalid-number` (an announcement said the
 *   number does not exist: never retried), `failed` (create-stream refused it);
 * - never dialled: `suppressed` (on the do-not-call list right before the dial);
 * - `unknown`: in flight when the campaign process stopped, and never settled.
 */
export type Outcome =
  | 'completed'
  | 'transferred'
  | 'voicemail'
  | 'no-answer'
  | 'busy'
  | 'unreachable'
  | 'invalid-number'
  | 'failed'
  | 'suppressed'
  | 'unknown';

/** Every outcome, in the order reports list them. */
export const OUTCOMES: readonly Outcome[] = [
  'completed',
  'transferred',
  'voicemail',
  'no-answer',
  'busy',
  'unreachable',
  'invalid-number',
  'failed',
  'suppressed',
  'unknown',
];

/** Outcomes a policy may retry (the rest are final whatever the policy says). */
export type RetryableOutcome =
  | 'no-answer'
  | 'busy'
  | 'unreachable'
  | 'failed'
  | 'voicemail'
  | 'unknown';

/** Every retryable outcome. */
export const RETRYABLE_OUTCOMES: readonly RetryableOutcome[] = [
  'no-answer',
  'busy',
  'unreachable',
  'failed',
  'voicemail',
  'unknown',
];

/**
 * Where an attempt is: the row is written (`dialling`) before create-stream is asked, so a
 * process that dies can never dial the same attempt again.
 */
export type AttemptPhase = 'dialling' | 'ringing' | 'answered' | 'ended';

/** One attempt to reach a contact: the record the results file is made of. */
export interface AttemptRecord {
  /** Stable id, passed to the call as the `attempt_id` parameter. */
  readonly attemptId: string;
  /** The campaign it belongs to. */
  readonly campaignId: string;
  /** The contact's id ({@link Contact}`.id`). */
  readonly contactId: string;
  /** The number dialled, E.164. */
  readonly phone: string;
  /** 1 for the first attempt at this contact. */
  readonly attempt: number;
  /** Where the attempt is. */
  readonly phase: AttemptPhase;
  /** When the attempt was dialled (create-stream asked), ms since the epoch. */
  readonly dialledAt: number;
  /** create-stream's reply. */
  readonly callId?: string;
  /** Where PSR keeps the recording of the streamed leg (create-stream's reply). */
  readonly recordingUrl?: string;
  /** Where PSR keeps the recording of the whole call (create-stream's reply). */
  readonly fullRecordingUrl?: string;
  /** When the call reached the bot (its WebSocket opened). */
  readonly answeredAt?: number;
  /** When the attempt was settled. */
  readonly endedAt?: number;
  /** What the attempt came to, once settled. */
  readonly outcome?: Outcome;
  /** Why, in a few words: `callee hung up`, `HTTP 401 UNAUTHORIZED`, `transfer to 101`. */
  readonly reason?: string;
  /** The answer detector's verdict (`human`, `voicemail`, …), when one ran. */
  readonly verdict?: string;
  /** The bot's own result fields (`call.setResult`). */
  readonly result: Readonly<Record<string, string>>;
}

/** One span of hours on some days, in the schedule's time zone. */
export interface CallingWindow {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  readonly days: readonly number[];
  /** `HH:MM`, inclusive. */
  readonly start: string;
  /** `HH:MM`, exclusive; `24:00` is the end of the day. */
  readonly end: string;
}

/** When calls may start. */
export interface CallingSchedule {
  /** IANA zone, e.g. `Asia/Ho_Chi_Minh`. */
  readonly timeZone: string;
  /** The spans when calls may start; open when any of them is. */
  readonly windows: readonly CallingWindow[];
}

/** How long to wait before the next attempt after an outcome. */
export interface RetryDelay {
  /** The first wait, ms. */
  readonly ms: number;
  /** `linear`: the same wait each time; `exponential`: doubled for each attempt made before. */
  readonly backoff: 'linear' | 'exponential';
}

/** How a campaign dials: pace, hours, attempts. */
export interface CampaignPolicy {
  /** Calls in flight at once (dialled and not yet settled). */
  readonly maxConcurrent: number;
  /** New calls per second at most, over any stretch of the run (no bursts). */
  readonly callsPerSecond: number;
  /** When a call may start. */
  readonly schedule: CallingSchedule;
  /** Attempts per contact, all outcomes together (one cap: retries never stack). */
  readonly maxAttempts: number;
  /** The wait before a retry, per retryable outcome; an outcome left out is not retried. */
  readonly retryAfter: Readonly<Partial<Record<RetryableOutcome, RetryDelay>>>;
  /** Retryable outcomes that the user wants final all the same. */
  readonly neverRetry: readonly RetryableOutcome[];
  /** No two calls to one number closer than this, ms (across campaigns in one store). */
  readonly minGapMs: number;
  /** No create-stream reply and no call within this long: `no-answer`, ms. */
  readonly ringTimeoutMs: number;
  /** An advertising campaign (Decree 91/2020/ND-CP): `minGapMs` is at least 24 h. */
  readonly advertising: boolean;
}
