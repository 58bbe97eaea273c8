// One labelled answer of a benchmark set: its audio (8 kHz), what it is, and what was said
// when (for the oracle speech-to-text).
import type { AnnouncementKind } from '../src/index.js';

export type Truth = 'human' | 'voicemail' | 'announcement' | 'silence';
export const TRUTHS: readonly Truth[] = ['human', 'voicemail', 'announcement', 'silence'];

export interface Spoken {
  readonly startMs: number;
  readonly endMs: number;
  readonly text: string;
  readonly language: string;
}

export interface Clip {
  readonly id: string;
  readonly truth: Truth;
  readonly announcement?: AnnouncementKind;
  /** `clean`, `20 dB`, `10 dB` (the noise's level below the speech), or `recorded`. */
  readonly noise: string;
  readonly samples: Int16Array;
  /** What was said when; empty when unknown (a recorded set without transcripts). */
  readonly spoken: readonly Spoken[];
  /** For people: where their first greeting ends, ms. */
  readonly greetingEndMs?: number;
  /** A voicemail with a beep. */
  readonly beep?: boolean;
}
