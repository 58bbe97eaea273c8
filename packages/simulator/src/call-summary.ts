import type { DecodeMode, EmulatedLine, LineInterval } from '@psrkit/line';
import { PSR_SAMPLE_RATE, type PsrChannel } from '@psrkit/protocol';
import type {
  ActionRecord,
  CallEndRecord,
  CallReport,
  TimelineEntry,
  UtteranceReport,
  Violation,
} from './call-report.js';
import { findUtterances, type Utterance } from './find-utterances.js';
import { type Percentiles, percentiles } from './percentiles.js';

const RATE = PSR_SAMPLE_RATE / 1000; // samples per ms

/** What a finished call left: the line, the caller's track, what the bot did and when it ended. */
export interface FinishedCall {
  readonly callId: string;
  readonly channel: PsrChannel;
  readonly decode: DecodeMode;
  readonly caller: Int16Array;
  readonly line: EmulatedLine;
  readonly actions: ActionRecord[];
  readonly violations: Violation[];
  readonly transfer: CallReport['transfer'];
  readonly hangup: CallReport['hangup'];
  readonly end: CallEndRecord;
  /** The timeline so far (actions, violations, connected, closed): completed here. */
  readonly timeline: TimelineEntry[];
  readonly note: (entry: TimelineEntry) => void;
}

/**
 * The call's report: the caller's utterances, the bot's audio, replies and barge-ins
 * measured on what the caller heard, the timeline in order, and the summary.
 */
export function summariseCall(call: FinishedCall): CallReport {
  const { line, caller, actions, violations, transfer, hangup, timeline, note, decode } = call;
  const finalEnd = call.end;
  const endSample = Math.max(Math.round(finalEnd.atMs * RATE), 0);
  const botAudio = line.botAudio().filter((b) => b.kind !== 'prompt');
  const heard = line.heard();
  const utterances = answerTimes(
    findUtterances(caller.subarray(0, Math.min(caller.length, endSample))),
    botAudio,
    decode === 'none' ? undefined : heard,
  );
  for (const u of utterances) note({ atMs: u.startMs, kind: 'caller-speech', endMs: u.endMs });
  for (const b of botAudio)
    note({ atMs: b.startMs, kind: 'bot-audio', endMs: b.endMs, source: b.kind });
  for (const u of line.underruns) note({ atMs: u.atMs, kind: 'underrun', gapMs: u.gapMs });
  for (const c of line.cuts) note({ atMs: c.atMs, kind: 'cut', cutMs: c.cutMs, by: c.by });
  for (const t of line.talkOver) note({ atMs: t.atMs, kind: 'talk-over', overlapMs: t.overlapMs });
  timeline.sort((a, b) => a.atMs - b.atMs);

  const count = (type: ActionRecord['type']) => actions.filter((a) => a.type === type).length;
  const bargeIns = utterances.flatMap((u) => (u.bargeIn ? [u.bargeIn.botStoppedAfterMs] : []));
  return {
    callId: call.callId,
    channel: call.channel,
    decode,
    durationMs: finalEnd.atMs,
    caller: caller.subarray(0, Math.min(caller.length, endSample)),
    heard,
    actions,
    violations,
    utterances,
    botAudio,
    underruns: line.underruns,
    cuts: line.cuts,
    talkOver: line.talkOver,
    margins: line.margins,
    ...(transfer && { transfer }),
    ...(hangup && { hangup }),
    end: finalEnd,
    timeline,
    summary: {
      actions: {
        media: count('media'),
        chunk: count('chunk'),
        transfer: count('transfer'),
        hangup: count('hangup'),
      },
      botAudioMs: botAudio.reduce((sum, b) => sum + b.endMs - b.startMs, 0),
      firstReplyMs: utterances.flatMap((u) =>
        u.firstReplyMs === undefined ? [] : [u.firstReplyMs],
      ),
      underrunCount: line.underruns.length,
      underrunMs: line.underruns.reduce((sum, u) => sum + u.gapMs, 0),
      bargeIns: bargeIns.length,
      maxBargeInStopMs: bargeIns.length ? Math.max(...bargeIns) : undefined,
      staleAudioMs: pick(percentiles(bargeIns), 'p50', 'p95', 'max'),
      marginMs: pick(percentiles(line.margins), 'p1', 'p50'),
      violations: violations.length,
    },
  };
}

/** Some of the percentiles, or undefined when there were no figures. */
function pick<K extends keyof Percentiles>(
  figures: Percentiles | undefined,
  ...names: K[]
): Pick<Percentiles, K> | undefined {
  if (!figures) return undefined;
  return Object.fromEntries(names.map((name) => [name, figures[name]])) as Pick<Percentiles, K>;
}

/**
 * For each utterance: when the bot's next audio started (after its end, before the
 * next utterance ends), and if the bot was talking when it began, how long it went on:
 * to the last audible sound of that stretch of bot audio when it was decoded (codec
 * delay and fades included), else to the actions' nominal end.
 */
function answerTimes(
  utterances: Utterance[],
  bot: readonly LineInterval[],
  heard: Int16Array | undefined,
): UtteranceReport[] {
  return utterances.map((u, i) => {
    const nextEnd = utterances[i + 1]?.endMs ?? Number.POSITIVE_INFINITY;
    const reply = bot.find((b) => b.startMs >= u.endMs && b.startMs < nextEnd);
    const talking = bot.find((b) => b.startMs <= u.startMs && b.endMs > u.startMs);
    let stop = talking?.endMs;
    // Follow contiguous bot audio (a file running into a stream) to where it really stops.
    for (const b of bot)
      if (stop !== undefined && b.startMs <= stop && b.endMs > stop) stop = b.endMs;
    if (stop !== undefined && heard) stop = lastAudible(heard, u.startMs, stop);
    return {
      ...u,
      ...(reply && { firstReplyMs: reply.startMs - u.endMs }),
      ...(stop !== undefined && { bargeIn: { botStoppedAfterMs: stop - u.startMs } }),
    };
  });
}

/** Where `pcm` was last audible (above −50 dBFS in 10 ms blocks) between `fromMs` and `limitMs`. */
function lastAudible(pcm: Int16Array, fromMs: number, limitMs: number): number {
  const block = 10 * RATE;
  const from = Math.floor(fromMs / 10) * block;
  for (
    let end = Math.min(pcm.length, Math.ceil(limitMs / 10) * block);
    end - block >= from;
    end -= block
  ) {
    let sum = 0;
    for (let i = end - block; i < end; i++) sum += pcm[i]! * pcm[i]!;
    if (Math.sqrt(sum / block) >= 104) return Math.min(end / RATE, limitMs);
  }
  return fromMs;
}
