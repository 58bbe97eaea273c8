import { type AudioProblem, type EmulatedLine, playAction } from '@psrkit/line';
import { type DecodedPsrAction, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import type { ReceivedAction } from '@psrkit/transport/client';
import type { ActionRecord, CallReport, TimelineEntry, Violation } from './call-report.js';

const RATE = PSR_SAMPLE_RATE / 1000; // samples per ms

/** Judges a bot's actions as PSR would take them, and plays them on the line. */
export interface ActionJudge {
  /** Checks one action, plays it, records it; run in arrival order. */
  obey(received: ReceivedAction, atMs: number): Promise<void>;
  /** Records a violation that is not about one action's content (the emulator failing). */
  violation(atMs: number, code: string, message: string, frame: string | Uint8Array): void;
  readonly actions: ActionRecord[];
  readonly violations: Violation[];
  readonly transfer: CallReport['transfer'];
  readonly hangup: CallReport['hangup'];
}

/**
 * Action conformance: every action is checked against the contract (decoding errors,
 * unknown events, extra fields, audio PSR could not play, anything after the end), played
 * on `line`, and noted on the timeline; `onEnd` is told when the bot transferred or hung up.
 */
export function createActionJudge(
  line: EmulatedLine,
  note: (entry: TimelineEntry) => void,
  onEnd: (reason: 'transfer' | 'hangup') => void,
): ActionJudge {
  const actions: ActionRecord[] = [];
  const violations: Violation[] = [];
  let transfer: CallReport['transfer'];
  let hangup: CallReport['hangup'];

  const violation = (atMs: number, code: string, message: string, frame: string | Uint8Array) => {
    const excerpt =
      typeof frame === 'string'
        ? frame.slice(0, 160)
        : Buffer.from(frame.subarray(0, 80)).toString('hex');
    const record: Violation = { atMs, code, message, excerpt };
    violations.push(record);
    note({ kind: 'violation', ...record });
  };
  const audioProblems = (atMs: number, problems: readonly AudioProblem[], frame: string) => {
    for (const p of problems) violation(atMs, p.code, p.message, frame);
  };

  async function obey(received: ReceivedAction, atMs: number): Promise<void> {
    if (!received.ok) {
      violation(atMs, received.error.code, received.error.message, received.frame);
      return;
    }
    const action: DecodedPsrAction = received.action;
    if (action.type === 'unknown') {
      violation(
        atMs,
        'UNKNOWN_ACTION',
        `unknown event ${JSON.stringify(action.event)}`,
        received.frame,
      );
      return;
    }
    if (action.extraFields)
      violation(
        atMs,
        'EXTRA_FIELDS',
        `fields outside the contract: ${action.extraFields.join(', ')}`,
        received.frame,
      );
    if (transfer || hangup) {
      violation(
        atMs,
        'ACTION_AFTER_END',
        `${action.type} after the call was ${transfer ? 'transferred' : 'hung up'}`,
        received.frame,
      );
      return;
    }
    const at = Math.round(atMs * RATE);
    const played = await playAction(line, action, at);
    audioProblems(atMs, played.problems, received.frame);
    const bytes = action.type === 'media' || action.type === 'chunk' ? action.payload.length : 0;
    let record: ActionRecord;
    switch (action.type) {
      case 'media':
        record = {
          atMs,
          type: 'media',
          bytes,
          audioMs: played.samples / RATE,
          isSync: action.isSync,
        };
        break;
      case 'chunk':
        record = {
          atMs,
          type: 'chunk',
          bytes,
          audioMs: played.samples / RATE,
          format: action.format,
        };
        break;
      case 'transfer':
        transfer = { atMs, extension: action.extension };
        record = { atMs, type: 'transfer', bytes, extension: action.extension };
        break;
      case 'hangup':
        hangup = { atMs };
        record = { atMs, type: 'hangup', bytes };
        break;
    }
    actions.push(record);
    note({ kind: 'action', ...record });
    if (action.type === 'transfer' || action.type === 'hangup') onEnd(action.type);
  }

  return {
    obey,
    violation,
    actions,
    violations,
    get transfer() {
      return transfer;
    },
    get hangup() {
      return hangup;
    },
  };
}
