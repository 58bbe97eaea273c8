import type { CadenceDecision } from './cadence-decision.js';
import type { TranscriptDecision } from './transcript-decision.js';
import type { AnnouncementKind, AnswerCause, AnswerKind, Beep } from './verdict.js';

/** Which detectors run: timing alone, transcripts alone, or both. */
export type DetectorMode = 'cadence' | 'transcript' | 'combined';

/** Everything heard so far that may decide. */
export interface Findings {
  /** What the timing says now. */
  readonly cadence: CadenceDecision | undefined;
  /** A beep heard. */
  readonly beep: Beep | undefined;
  /** A tone is going on: it may be a beep (known when it ends). */
  readonly toneGoingOn: boolean;
  /** What the newest transcript that decided anything says. */
  readonly transcript: TranscriptDecision | undefined;
  /** The speech-to-text failed. */
  readonly sttFailed: boolean;
  /** No transcript is awaited, and no window is open (all heard so far was transcribed). */
  readonly transcriptIdle: boolean;
  /** `totalAnalysisMs` of audio passed. */
  readonly timedOut: boolean;
  /** The audio ended and no transcript is awaited. */
  readonly ended: boolean;
}

/** A decision, before its evidence is attached. */
export interface Ruling {
  /** Who answered. */
  readonly kind: AnswerKind;
  /** Why. */
  readonly cause: AnswerCause;
  /** Which announcement, for `announcement`. */
  readonly announcement?: AnnouncementKind;
  /** Which detector decided. */
  readonly decidedBy: 'cadence' | 'transcript';
}

const fromCadence = (c: CadenceDecision): Ruling => ({
  kind: c.kind === 'machine' ? 'voicemail' : c.kind,
  cause: c.cause,
  decidedBy: 'cadence',
});
/** A greeting whose kind the transcript should settle: long, or neither short nor long. */
const unsure = (c: CadenceDecision | undefined) =>
  c?.kind === 'machine' || (c?.kind === 'human' && !c.sure);
const fromTranscript = (t: TranscriptDecision): Ruling => ({
  kind: t.kind,
  cause: t.cause,
  ...(t.kind === 'announcement' && { announcement: t.announcement ?? 'other' }),
  decidedBy: 'transcript',
});
const beepRuling = { kind: 'voicemail', cause: 'beep', decidedBy: 'cadence' } as const;
const unknown = (cause: AnswerCause, decidedBy: Ruling['decidedBy'] = 'cadence'): Ruling => ({
  kind: 'unknown',
  cause,
  decidedBy,
});

/**
 * Decides from the findings, or waits (`undefined`) — pure. While a tone goes on, the
 * cadence and combined detectors wait for it to end: it may be a beep.
 * - `cadence`: a beep is a voicemail; else the timing decides (a long greeting is reported
 *   as `voicemail`: timing cannot tell a voicemail from an announcement).
 * - `transcript`: the transcript decides; silence before any word is `silence`.
 * - `combined`: a machine phrase or a beep decides at once; a short greeting then silence
 *   (surely a person) and silence are left to the timing, which is fastest; a long
 *   greeting, or a middling one then silence, waits for the transcript (a person's long
 *   "Alô, em đang bận…" is a person by its word count; "Hey, it's Mike. Leave me a
 *   message." is not), and falls back to the timing's verdict when the transcripts
 *   said nothing decisive, failed or are late.
 */
export function arbitrate(mode: DetectorMode, f: Findings): Ruling | undefined {
  const { cadence, transcript } = f;
  if (f.toneGoingOn && mode !== 'transcript' && !f.timedOut) return undefined;
  if (mode === 'cadence') {
    if (f.beep) return beepRuling;
    if (cadence) return fromCadence(cadence);
    return f.ended ? unknown('stream-end') : undefined;
  }
  if (mode === 'transcript') {
    if (transcript) return fromTranscript(transcript);
    if (cadence?.kind === 'silence') return fromCadence(cadence);
    if (f.sttFailed) return unknown('stt-failed', 'transcript');
    if (f.timedOut) return unknown('timeout');
    return f.ended ? unknown('stream-end') : undefined;
  }
  if (transcript?.cause === 'phrase') return fromTranscript(transcript);
  if (f.beep) return beepRuling;
  if (cadence && !unsure(cadence) && cadence.kind !== 'unknown') return fromCadence(cadence);
  const settled = f.sttFailed || f.transcriptIdle || f.timedOut || f.ended;
  if (cadence && unsure(cadence)) {
    if (transcript) return fromTranscript(transcript);
    return settled ? fromCadence(cadence) : undefined;
  }
  if (f.timedOut || f.ended) {
    if (transcript) return fromTranscript(transcript);
    return unknown(f.timedOut ? 'timeout' : 'stream-end');
  }
  return undefined;
}
