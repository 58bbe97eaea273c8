import { type EmulatedLine, playAction } from '@psrkit/line';
import { type DecodedPsrAction, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import type { ReceivedAction } from '@psrkit/transport/client';
import type { ActionRecord, CallReport, TimelineEntry, Violation } from './call-report.js';

const RATE = PSR_SAMPLE_RATE / 1000; // samples per ms

/** An action PSR knows. */
export type KnownAction = Exclude<DecodedPsrAction, { readonly type: 'unknown' }>;

/** How the bot has ended the call so far: not yet, by a transfer, or by a hangup. */
export type BotEnding =
  | { readonly phase: 'live' }
  | { readonly phase: 'transferred'; readonly transfer: NonNullable<CallReport['transfer']> }
  | { readonly phase: 'hung-up'; readonly hangup: NonNullable<CallReport['hangup']> };

/** One way an action broke the contract. */
export interface ContractProblem {
  readonly code: string;
  readonly message: string;
}

/**
 * Checks one frame the bot sent against the contract, before it is played: the problems
 * found (a frame that does not decode, an unknown event, extra fields, anything after
 * the call's end), and the action to play, if it is still played.
 */
export function checkAction(
  received: ReceivedAction,
  ending: BotEnding,
): { readonly problems: ContractProblem[]; readonly play?: KnownAction } {
  if (!received.ok)
    return { problems: [{ code: received.error.code, message: received.error.message }] };
  const action = received.action;
  if (action.type === 'unknown') {
    const message = `unknown event ${JSON.stringify(action.event)}`;
    return { problems: [{ code: 'UNKNOWN_ACTION', message }] };
  }
  const problems: ContractProblem[] = [];
  if (action.extraFields) {
    const message = `fields outside the contract: ${action.extraFields.join(', ')}`;
    problems.push({ code: 'EXTRA_FIELDS', message });
  }
  if (ending.phase === 'live') return { problems, play: action };
  const how = ending.phase === 'transferred' ? 'transferred' : 'hung up';
  problems.push({ code: 'ACTION_AFTER_END', message: `${action.type} after the call was ${how}` });
  return { problems };
}

/** The report's record of an action played at `atMs`, `samples` long on the line. */
export function actionRecord(action: KnownAction, atMs: number, samples: number): ActionRecord {
  switch (action.type) {
    case 'media':
      return {
        atMs,
        type: 'media',
        bytes: action.payload.length,
        audioMs: samples / RATE,
        isSync: action.isSync,
      };
    case 'chunk':
      return {
        atMs,
        type: 'chunk',
        bytes: action.payload.length,
        audioMs: samples / RATE,
        format: action.format,
      };
    case 'transfer':
      return { atMs, type: 'transfer', bytes: 0, extension: action.extension };
    case 'hangup':
      return { atMs, type: 'hangup', bytes: 0 };
  }
}

/**
 * Action conformance: every action is checked against the contract (decoding errors,
 * unknown events, extra fields, audio PSR could not play, anything after the end), played
 * on `line`, and noted on the timeline; `onEnd` is told when the bot transferred or hung
 * up. A class: the records and how the bot ended the call are its state, which each
 * action moves on.
 */
export class ActionJudge {
  readonly actions: ActionRecord[] = [];
  readonly violations: Violation[] = [];
  private ending: BotEnding = { phase: 'live' };

  constructor(
    private readonly line: EmulatedLine,
    private readonly note: (entry: TimelineEntry) => void,
    private readonly onEnd: (reason: 'transfer' | 'hangup') => void,
  ) {}

  get transfer(): CallReport['transfer'] {
    return this.ending.phase === 'transferred' ? this.ending.transfer : undefined;
  }

  get hangup(): CallReport['hangup'] {
    return this.ending.phase === 'hung-up' ? this.ending.hangup : undefined;
  }

  /** Checks one action, plays it, records it; run in arrival order. */
  async obey(received: ReceivedAction, atMs: number): Promise<void> {
    const { problems, play: action } = checkAction(received, this.ending);
    for (const p of problems) this.violation(atMs, p.code, p.message, received.frame);
    if (!action) return;
    const played = await playAction(this.line, action, Math.round(atMs * RATE));
    for (const p of played.problems) this.violation(atMs, p.code, p.message, received.frame);
    const record = actionRecord(action, atMs, played.samples);
    if (action.type === 'transfer')
      this.ending = { phase: 'transferred', transfer: { atMs, extension: action.extension } };
    if (action.type === 'hangup') this.ending = { phase: 'hung-up', hangup: { atMs } };
    this.actions.push(record);
    this.note({ kind: 'action', ...record });
    if (action.type === 'transfer' || action.type === 'hangup') this.onEnd(action.type);
  }

  /** Records a violation that is not about one action's content (the emulator failing). */
  violation(atMs: number, code: string, message: string, frame: string | Uint8Array): void {
    const excerpt =
      typeof frame === 'string'
        ? frame.slice(0, 160)
        : Buffer.from(frame.subarray(0, 80)).toString('hex');
    const record: Violation = { atMs, code, message, excerpt };
    this.violations.push(record);
    this.note({ kind: 'violation', ...record });
  }
}
