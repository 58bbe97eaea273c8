/**
 * What picked up the call:
 * - `human`: a person;
 * - `voicemail`: an answering machine or voicemail box (a recording that takes a message);
 * - `announcement`: a carrier announcement (busy, unreachable, out of coverage, …);
 * - `silence`: nothing but silence or line noise;
 * - `unknown`: no decision (the audio ended, the time ran out, the speech-to-text failed).
 */
export type AnswerKind = 'human' | 'voicemail' | 'announcement' | 'silence' | 'unknown';

/**
 * Which carrier announcement, when the transcript tells: a campaign retries `busy` and
 * `unreachable` later, and drops `invalid-number`. `other`: an announcement whose kind the
 * transcript did not name.
 */
export type AnnouncementKind =
  | 'busy'
  | 'unreachable'
  | 'out-of-coverage'
  | 'no-answer'
  | 'invalid-number'
  | 'suspended'
  | 'other';

/**
 * Why the verdict is what it is (Asterisk's `AMDCAUSE`, in our words):
 * - `short-greeting` (human): a greeting shorter than `greetingMs`, then `afterGreetingSilenceMs` of silence;
 * - `few-words` (human): a transcript of fewer than `maxHumanWords` words with no machine phrase;
 * - `long-greeting` (voicemail): more than `greetingMs` of voice without a pause (a recording);
 * - `max-words` (voicemail): more than `maxWords` words before a pause;
 * - `beep` (voicemail): a steady tone, the end of a voicemail greeting;
 * - `phrase` (voicemail, announcement): the transcript holds a phrase of the lists;
 * - `many-words` (voicemail): a transcript of `maxHumanWords` words or more with no phrase;
 * - `initial-silence` (silence): no word within `initialSilenceMs`;
 * - `timeout` (unknown): no decision within `totalAnalysisMs`;
 * - `stream-end` (unknown): the audio ended first (the other side hung up);
 * - `no-audio` (unknown): the audio ended before its first frame;
 * - `stt-failed` (unknown): the speech-to-text failed and nothing else decided;
 * - `error` (unknown): the audio failed (`watchAnswer` only; `evidence.error` says how).
 */
export type AnswerCause =
  | 'short-greeting'
  | 'few-words'
  | 'long-greeting'
  | 'max-words'
  | 'beep'
  | 'phrase'
  | 'many-words'
  | 'initial-silence'
  | 'timeout'
  | 'stream-end'
  | 'no-audio'
  | 'stt-failed'
  | 'error';

/** A stretch of the answer's audio; times are ms on the call's clock. */
export interface TimelineSegment {
  /** `speech` (words), `silence` (or noise), `tone` (a beep). */
  readonly type: 'speech' | 'silence' | 'tone';
  /** Where it starts, ms. */
  readonly startMs: number;
  /** Where it ends, ms. */
  readonly endMs: number;
}

/** A steady tone (a voicemail beep); times are ms on the call's clock. */
export interface Beep {
  /** Where the tone starts, ms. */
  readonly startMs: number;
  /** Where it ends, ms: the greeting is over, a message can start. */
  readonly endMs: number;
  /** Its frequency, Hz. */
  readonly frequencyHz: number;
}

/** The phrase of a list that a transcript matched. */
export interface PhraseMatch {
  /** The phrase as the list writes it. */
  readonly phrase: string;
  /** The list's language (`vi`, `en`). */
  readonly language: string;
  /** What the phrase means. */
  readonly kind: 'voicemail' | 'announcement';
  /** The announcement it names, if any. */
  readonly announcement?: AnnouncementKind;
  /** Words of the phrase heard (an approximate match may miss some). */
  readonly wordsMatched: number;
}

/** What a verdict rests on. */
export interface AnswerEvidence {
  /** Speech, silence and tones from the first frame to the decision (at most 200 segments). */
  readonly timeline: readonly TimelineSegment[];
  /** Voice heard, ms (in words: runs of at least `minWordMs`). */
  readonly voicedMs: number;
  /** Words counted by cadence (voiced runs of `minWordMs` split by `betweenWordsSilenceMs`). */
  readonly words: number;
  /** The last transcript, when the transcript detector ran. */
  readonly transcript?: string;
  /** Words in `transcript`. */
  readonly transcriptWords?: number;
  /** The phrase that decided, or named the announcement. */
  readonly phrase?: PhraseMatch;
  /** The beep, when one was heard before the decision. */
  readonly beep?: Beep;
  /** Why the speech-to-text or the audio failed (`code` of a psrkit error, when it has one). */
  readonly error?: { readonly code?: string; readonly message: string };
}

/** What every {@link AnswerVerdict} carries, whatever its kind. */
export interface AnswerVerdictFields {
  /** Why (see {@link AnswerCause}). */
  readonly cause: AnswerCause;
  /** Which detector decided: `cadence` (timing, beeps) or `transcript` (phrases, words). */
  readonly decidedBy: 'cadence' | 'transcript';
  /** When it was decided, ms on the call's clock (the audio heard so far). */
  readonly atMs: number;
  /** How long it took: ms of audio from the first frame to the decision. */
  readonly tookMs: number;
  /** What it rests on. */
  readonly evidence: AnswerEvidence;
}

/**
 * The detector's verdict on who answered, with the cause, the evidence, and the audio
 * time it took. Times are audio time, not wall time: with a real-time call they are the
 * same, plus the speech-to-text's latency for transcript decisions.
 */
export type AnswerVerdict =
  | (AnswerVerdictFields & {
      /** A carrier announcement. */
      readonly kind: 'announcement';
      /** Which one (`other` when the transcript did not say). */
      readonly announcement: AnnouncementKind;
    })
  | (AnswerVerdictFields & {
      /** Who answered (see {@link AnswerKind}). */
      readonly kind: Exclude<AnswerKind, 'announcement'>;
    });

/**
 * A voicemail greeting ended: with a beep, or with `greetingEnd.silenceMs` of silence
 * (no beep). The moment to leave a message.
 */
export interface GreetingEnd {
  /** `beep` or `silence`. */
  readonly cause: 'beep' | 'silence';
  /** When, ms on the call's clock. */
  readonly atMs: number;
  /** The beep, for `beep`. */
  readonly beep?: Beep;
}

/**
 * What a detector emits: exactly one `verdict`, then, after a `voicemail` verdict, at most
 * one `greeting-end`.
 */
export type AnswerEvent =
  | { readonly type: 'verdict'; readonly verdict: AnswerVerdict }
  | { readonly type: 'greeting-end'; readonly greetingEnd: GreetingEnd };
