// The bench's callees: what each contact does, by the last digit of its row, with outcomes
// settled the moment create-stream answers (no ring, no talk): only the engine is measured.
import type { CallEndReport, Contact, Dialer, DialRequest } from '@psrkit/campaign';

/** What a contact does on each attempt. */
export type Behaviour = 'answers' | 'no-answer, then answers' | 'busy' | 'refused' | 'voicemail';

/**
 * Digits 0–5 answer (60 %), 6 does not answer the first time and answers the second, 7 is
 * busy both times, 8 is refused by create-stream both times, 9 is a voicemail (not retried).
 * With two attempts per contact that is 1.3 attempts per contact.
 */
export function behaviourOf(row: number): Behaviour {
  const digit = row % 10;
  if (digit <= 5) return 'answers';
  if (digit === 6) return 'no-answer, then answers';
  if (digit === 7) return 'busy';
  if (digit === 8) return 'refused';
  return 'voicemail';
}

/** Attempts a campaign of `contacts` rows makes with two attempts per contact. */
export function expectedAttempts(contacts: number): number {
  let n = 0;
  for (let row = 0; row < contacts; row++) {
    const b = behaviourOf(row);
    n += b === 'answers' || b === 'voicemail' ? 1 : 2;
  }
  return n;
}

/** `n` contacts with distinct Vietnamese mobile numbers and the fields a reminder carries. */
export function benchContacts(n: number): Contact[] {
  return Array.from({ length: n }, (_, row) => ({
    id: `k${row}`,
    phone: `+8491${String(row).padStart(7, '0')}`,
    fields: { danh_xung: row % 2 ? 'anh' : 'chị', so_tien: String(100_000 + (row % 97) * 10_000) },
    line: row + 2,
  }));
}

/** Where a settled call is reported: an engine's `callAnswered` and `callEnded`, or the reference's. */
export interface CallReports {
  callAnswered(attemptId: string, at: number): Promise<boolean>;
  callEnded(attemptId: string, end: CallEndReport): Promise<boolean>;
}

/** A refusal as `createStreamDialer` throws it: with PSR's code. */
class Refused extends Error {
  readonly code = 'INVALID_REQUEST';
}

/** Counts of what the dialer saw, and the reports that were ignored or failed (both should be 0). */
export interface InstantDialerStats {
  dials: number;
  ignored: number;
  errors: number;
  firstError?: string;
}

/**
 * A dialer whose calls are over at once: create-stream answers (or refuses) with no delay,
 * and on the next turn of the event loop the call is answered and ended (or, for a no-answer,
 * ended without an answer) through `reports` — what the server holding the call would report.
 */
export function instantDialer(reports: () => CallReports): {
  dial: Dialer;
  stats: InstantDialerStats;
} {
  const stats: InstantDialerStats = { dials: 0, ignored: 0, errors: 0 };
  const fail = (error: unknown) => {
    stats.errors += 1;
    stats.firstError ??= String(error);
  };
  const count = (known: boolean) => {
    if (!known) stats.ignored += 1;
  };
  const settle = async (request: DialRequest) => {
    const behaviour = behaviourOf(Number(request.contact.id.slice(1)));
    const { attemptId } = request;
    const now = Date.now();
    if (behaviour === 'no-answer, then answers' && request.attempt === 1) {
      count(
        await reports().callEnded(attemptId, {
          at: now,
          outcome: 'no-answer',
          reason: 'bench: rang out',
        }),
      );
      return;
    }
    count(await reports().callAnswered(attemptId, now));
    const end: CallEndReport =
      behaviour === 'busy'
        ? { at: now, outcome: 'busy', reason: 'bench: busy', verdict: 'busy' }
        : behaviour === 'voicemail'
          ? { at: now, outcome: 'voicemail', reason: 'bench: voicemail', verdict: 'voicemail' }
          : {
              at: now,
              outcome: 'completed',
              reason: 'callee hung up',
              result: { promised: 'yes' },
            };
    count(await reports().callEnded(attemptId, end));
  };
  const dial: Dialer = async (request) => {
    stats.dials += 1;
    if (behaviourOf(Number(request.contact.id.slice(1))) === 'refused')
      throw new Refused('HTTP 400 INVALID_REQUEST: destination is not a valid number');
    setImmediate(() => void settle(request).catch(fail));
    return { callId: `call-${request.attemptId}` };
  };
  return { dial, stats };
}
