import type { AnswerVerdict } from './verdict.js';

/**
 * How a bot uses answer detection on a call:
 * - `off`: no detection;
 * - `hold`: the bot waits for the verdict (at most `maxHoldMs`) before its first word;
 * - `speak`: the bot greets at once and is told later (a machine: it stops and acts).
 */
export type AnswerMode = 'off' | 'hold' | 'speak';

/** The call parameter that chooses the mode per call (`detect_answer=hold`). */
export const DETECT_ANSWER_PARAM = 'detect_answer';

/** The result field that records who answered (`human`, `voicemail`, …): what campaigns read. */
export const ANSWERED_BY_FIELD = 'answered_by';

/** The result field that records which announcement (`busy`, `unreachable`, …). */
export const ANSWERED_BY_KIND_FIELD = 'answered_by_kind';

const MODES: readonly AnswerMode[] = ['off', 'hold', 'speak'];

/** True for `off`, `hold` or `speak`. */
export function isAnswerMode(value: unknown): value is AnswerMode {
  return MODES.includes(value as AnswerMode);
}

/**
 * The mode a call asks for: its `detect_answer` parameter (`off`, `hold`, `speak`; any case,
 * trimmed) or, without one, `fallback`. A value that is none of them gives `fallback` and
 * is returned as `invalid` (cut to 40 characters) for the bot to log: parameters come from
 * whoever placed the call.
 */
export function answerModeOf(
  params: Readonly<Record<string, string>>,
  fallback: AnswerMode = 'off',
): { readonly mode: AnswerMode; readonly invalid?: string } {
  const given = params[DETECT_ANSWER_PARAM];
  if (given === undefined || given.trim() === '') return { mode: fallback };
  const mode = given.trim().toLowerCase();
  return isAnswerMode(mode) ? { mode } : { mode: fallback, invalid: given.slice(0, 40) };
}

/** A verdict as a call's result fields: `answered_by`, and `answered_by_kind` for an announcement. */
export function verdictResultFields(verdict: AnswerVerdict): Record<string, string> {
  return {
    [ANSWERED_BY_FIELD]: verdict.kind,
    ...(verdict.kind === 'announcement' && { [ANSWERED_BY_KIND_FIELD]: verdict.announcement }),
  };
}

/** A machine took the call (`voicemail`, `announcement`, `silence`): no conversation. */
export function isMachine(verdict: AnswerVerdict): boolean {
  return (
    verdict.kind === 'voicemail' || verdict.kind === 'announcement' || verdict.kind === 'silence'
  );
}
