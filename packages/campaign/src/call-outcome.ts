import type { CallEndReason } from '@psrkit/transport';
import type { Outcome } from './campaign-types.js';

/**
 * The result field an answer detector sets on a call (`call.setResult({ answered_by })`):
 * `human`, `voicemail`, `announcement`, `silence` or `unknown`.
 */
export const VERDICT_FIELD = 'answered_by';
/**
 * The kind of announcement: `busy` and `no-answer` keep those outcomes, `invalid-number` is
 * final, any other (`unreachable`, `out-of-coverage`, `suspended`, …) is `unreachable`.
 */
export const VERDICT_KIND_FIELD = 'answered_by_kind';

/** Why a call ended, as the transport tells it (`CallEnd.reason`). */
export type CallEndCause = CallEndReason;

const REASONS: Readonly<Record<CallEndCause, string>> = {
  'psr-closed': 'callee hung up',
  'socket-closed': 'the line dropped',
  hangup: 'bot hung up',
  transfer: 'transferred',
  'heartbeat-timeout': 'the line stopped answering',
  replaced: 'replaced by a second connection',
  shutdown: 'the server shut down during the call',
  'payload-too-large': 'the line sent a frame over the limit',
  'send-buffer-full': 'the line stopped reading',
};

/**
 * What an answered call came to: the detector's verdict first (a machine or an
 * announcement is not a conversation, however the call ended), then how it ended.
 */
export function outcomeOfCall(
  cause: CallEndCause,
  result: Readonly<Record<string, string>> = {},
): { outcome: Outcome; reason: string } {
  const verdict = result[VERDICT_FIELD];
  const kind = result[VERDICT_KIND_FIELD];
  if (verdict === 'voicemail') return { outcome: 'voicemail', reason: 'a voicemail answered' };
  if (verdict === 'silence') return { outcome: 'no-answer', reason: 'dead air' };
  if (verdict === 'announcement') {
    const reason = `carrier announcement${kind ? `: ${kind}` : ''}`;
    if (kind === 'busy') return { outcome: 'busy', reason };
    if (kind === 'no-answer') return { outcome: 'no-answer', reason };
    if (kind === 'invalid-number') return { outcome: 'invalid-number', reason };
    return { outcome: 'unreachable', reason };
  }
  if (cause === 'transfer') return { outcome: 'transferred', reason: REASONS.transfer };
  if (cause === 'shutdown' || cause === 'replaced')
    return { outcome: 'unknown', reason: REASONS[cause] };
  return { outcome: 'completed', reason: REASONS[cause] };
}
