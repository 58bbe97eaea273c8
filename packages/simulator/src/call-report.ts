import type { AudioProblemCode, DecodeMode, LineInterval } from '@psrkit/line';
import type { PsrChannel } from '@psrkit/protocol';

/** Why an action broke the contract, with the frame that did it. */
export interface Violation {
  /** When it came, ms since the call started. */
  readonly atMs: number;
  /** A `ProtocolError` code (JSON, base64, fields), an audio problem, or one of ours. */
  readonly code: string | AudioProblemCode;
  /** What is wrong, for people. */
  readonly message: string;
  /** The offending frame's first 160 characters. */
  readonly excerpt: string;
}

/** One action as the emulated PSR received it. */
export interface ActionRecord {
  /** When it came, ms since the call started. */
  readonly atMs: number;
  /** The action's `event`. */
  readonly type: 'media' | 'chunk' | 'transfer' | 'hangup';
  /** Payload bytes (after base64). */
  readonly bytes: number;
  /** Audio it holds, ms. */
  readonly audioMs?: number;
  /** `media` only: queued after what plays (`true`) or cutting it (`false`). */
  readonly isSync?: boolean;
  /** `chunk` only: how the payload is encoded. */
  readonly format?: 'mp3' | 'pcm16';
  /** `transfer` only: the target extension. */
  readonly extension?: string;
}

/** A caller utterance and how the bot answered it. */
export interface UtteranceReport {
  /** Where the caller started speaking, ms. */
  readonly startMs: number;
  /** Where they stopped, ms. */
  readonly endMs: number;
  /** From the end of the utterance to the first new bot audio on the line. */
  readonly firstReplyMs?: number;
  /** When the caller started while the bot was talking: how long the bot went on. */
  readonly bargeIn?: { readonly botStoppedAfterMs: number };
}

/** How the call ended. */
export interface CallEndRecord {
  /** When the call ended, ms since it started. */
  readonly atMs: number;
  /** `caller`: the emulator hung up; `bot`: after the bot's hangup/transfer; `server`: the socket closed. */
  readonly by: 'caller' | 'bot' | 'server';
  /** The WebSocket close code. */
  readonly code: number;
  /** The close reason, as sent. */
  readonly reason: string;
}

/** One line of the timeline, in call time. */
export type TimelineEntry =
  | { readonly atMs: number; readonly kind: 'connected'; readonly callId: string }
  | { readonly atMs: number; readonly kind: 'caller-speech'; readonly endMs: number }
  | ({ readonly kind: 'action' } & ActionRecord)
  | {
      readonly atMs: number;
      readonly kind: 'bot-audio';
      readonly endMs: number;
      readonly source: 'file' | 'stream' | 'prompt';
    }
  | { readonly atMs: number; readonly kind: 'underrun'; readonly gapMs: number }
  | { readonly atMs: number; readonly kind: 'cut'; readonly cutMs: number; readonly by: string }
  | { readonly atMs: number; readonly kind: 'talk-over'; readonly overlapMs: number }
  | ({ readonly kind: 'violation' } & Violation)
  | ({ readonly kind: 'closed' } & CallEndRecord);

/** Everything one emulated call observed. */
export interface CallReport {
  /** The call's `call_id`. */
  readonly callId: string;
  /** The channel layout the emulator announced. */
  readonly channel: PsrChannel;
  /** How the emulator decoded MP3 chunks. */
  readonly decode: DecodeMode;
  /** How long the call lasted, ms. */
  readonly durationMs: number;
  /** What the caller said: mono, 8 kHz, on the call's clock. */
  readonly caller: Int16Array;
  /** What the caller heard: mono, 8 kHz, on the call's clock. */
  readonly heard: Int16Array;
  /** Every action the bot sent, in order. */
  readonly actions: readonly ActionRecord[];
  /** Actions that broke the contract. */
  readonly violations: readonly Violation[];
  /** What the caller said, utterance by utterance, and how the bot answered each. */
  readonly utterances: readonly UtteranceReport[];
  /** Where bot audio played on the line. */
  readonly botAudio: readonly LineInterval[];
  /** Gaps inside chunk streams: the line ran dry before the next chunk came. */
  readonly underruns: readonly { readonly atMs: number; readonly gapMs: number }[];
  /** Audio sent but cut off by a `media` with `is_sync: false`, `hangup` or `transfer`. */
  readonly cuts: readonly { readonly atMs: number; readonly cutMs: number; readonly by: string }[];
  /** A file that played over stream audio still queued (`mediaCutsStream: false` only). */
  readonly talkOver: readonly { readonly atMs: number; readonly overlapMs: number }[];
  /** Audio queued at the caller when each chunk continuing a stream arrived, ms. */
  readonly margins: readonly number[];
  /** The bot's transfer, when it sent one. */
  readonly transfer?: { readonly atMs: number; readonly extension: string };
  /** The bot's hangup, when it sent one. */
  readonly hangup?: { readonly atMs: number };
  /** How the call ended. */
  readonly end: CallEndRecord;
  /** Everything above on one time line, for printing. */
  readonly timeline: readonly TimelineEntry[];
  /** The call's figures in brief. */
  readonly summary: CallSummary;
}

/** A call's figures in brief: what `psr-sim` prints at the end and the call page shows on top. */
export interface CallSummary {
  /** Actions sent, by type. */
  readonly actions: Readonly<Record<ActionRecord['type'], number>>;
  /** Bot audio heard on the line, ms. */
  readonly botAudioMs: number;
  /** For each utterance the bot answered: from its end to the first new bot audio, ms. */
  readonly firstReplyMs: readonly number[];
  /** Underruns inside chunk streams. */
  readonly underrunCount: number;
  /** Their total length, ms. */
  readonly underrunMs: number;
  /** Times the caller started speaking while the bot was talking. */
  readonly bargeIns: number;
  /** Longest time the bot went on talking after the caller barged in. */
  readonly maxBargeInStopMs: number | undefined;
  /**
   * Stale audio after a barge-in as the caller hears it: from their speech onset to the
   * last bot sound (decoded), ms; nearest rank.
   */
  readonly staleAudioMs:
    | { readonly p50: number; readonly p95: number; readonly max: number }
    | undefined;
  /** The line's margin: audio queued at the caller as each chunk came, ms (p1 and p50). */
  readonly marginMs: { readonly p1: number; readonly p50: number } | undefined;
  /** Actions that broke the contract. */
  readonly violations: number;
}

const ms = (value: number) => `${Math.round(value)} ms`;
const clock = (atMs: number) => {
  const s = atMs / 1000;
  return `${Math.floor(s / 60)}:${(s % 60).toFixed(3).padStart(6, '0')}`;
};

/** The report as text for a terminal: one line per timeline entry, then a summary. */
export function formatReport(report: CallReport): string {
  const lines = [`call ${report.callId} (${report.channel}, ${report.decode} decoding)`];
  for (const entry of report.timeline) {
    const at = clock(entry.atMs);
    switch (entry.kind) {
      case 'connected':
        lines.push(`${at}  connected`);
        break;
      case 'caller-speech':
        lines.push(`${at}  caller speaks for ${ms(entry.endMs - entry.atMs)}`);
        break;
      case 'action':
        if (entry.type === 'chunk') break; // summarised by bot-audio lines
        lines.push(
          `${at}  ← ${entry.type}${entry.type === 'media' ? ` ${ms(entry.audioMs ?? 0)} is_sync=${entry.isSync}` : ''}${entry.extension ? ` to ${entry.extension}` : ''}`,
        );
        break;
      case 'bot-audio':
        lines.push(
          `${at}  bot ${entry.source === 'file' ? 'file' : 'stream'} plays ${ms(entry.endMs - entry.atMs)}`,
        );
        break;
      case 'underrun':
        lines.push(`${at}  UNDERRUN: ${ms(entry.gapMs)} of silence inside a chunk stream`);
        break;
      case 'cut':
        lines.push(`${at}  ${ms(entry.cutMs)} of sent audio cut by ${entry.by}`);
        break;
      case 'talk-over':
        lines.push(`${at}  TALK-OVER: a file played over ${ms(entry.overlapMs)} of stream audio`);
        break;
      case 'violation':
        lines.push(`${at}  VIOLATION ${entry.code}: ${entry.message}`);
        break;
      case 'closed':
        lines.push(
          `${at}  closed by ${entry.by} (${entry.code}${entry.reason ? ` ${entry.reason}` : ''})`,
        );
        break;
    }
  }
  const s = report.summary;
  lines.push(
    '',
    `duration ${ms(report.durationMs)}; bot audio ${ms(s.botAudioMs)}; actions ${Object.entries(
      s.actions,
    )
      .map(([type, n]) => `${type} ${n}`)
      .join(', ')}`,
    `first reply after each utterance: ${s.firstReplyMs.length ? s.firstReplyMs.map(ms).join(', ') : 'none'}`,
    `barge-ins ${s.bargeIns}${s.staleAudioMs ? ` (stale audio from the caller's onset: p50 ${ms(s.staleAudioMs.p50)}, p95 ${ms(s.staleAudioMs.p95)}, max ${ms(s.staleAudioMs.max)})` : ''}; underruns ${s.underrunCount} (${ms(s.underrunMs)}); violations ${s.violations}`,
    `margin (audio queued as each chunk came): ${s.marginMs ? `p1 ${ms(s.marginMs.p1)}, p50 ${ms(s.marginMs.p50)}` : 'none'}`,
  );
  if (report.transfer) lines.push(`transferred to ${report.transfer.extension}`);
  if (report.hangup) lines.push('the bot hung up');
  return lines.join('\n');
}

/** The report as JSON (audio left out). */
export function reportToJson(report: CallReport): object {
  const { caller, heard, ...rest } = report;
  return { ...rest, callerSamples: caller.length, heardSamples: heard.length };
}
