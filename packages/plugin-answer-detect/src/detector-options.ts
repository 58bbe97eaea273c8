import { numberProblem, type SpeechToText } from '@psrkit/pipeline';
import type { OpenVad, VadMode } from '@psrkit/plugin-vad';
import type { SessionConfig } from './answer-session.js';
import type { DetectorMode } from './arbitrate.js';
import { type BeepOptions, beepSettings } from './beep-tracker.js';
import { type CadenceOptions, cadenceSettings, definedOnly } from './cadence-options.js';
import { AnswerDetectError } from './errors.js';
import { phraseReader } from './match-phrases.js';
import { defaultPhraseLists, type PhraseList } from './phrase-list.js';

/** The transcript detector: a speech-to-text engine and what to look for in its transcripts. */
export interface TranscriptOptions {
  /** Any `SpeechToText` plugin (`createOpenAiStt`, `createDeepgramStt`, …). */
  readonly stt: SpeechToText;
  /** The language spoken, passed to the engine (`vi`, `en`); default: the engine guesses. */
  readonly language?: string;
  /** The phrase lists (default {@link defaultPhraseLists}: Vietnamese and English). */
  readonly phrases?: readonly PhraseList[];
  /** A transcript with this many words or more and no phrase is a voicemail greeting, fewer is a person (default 9, Jambonz's). */
  readonly maxHumanWords?: number;
  /**
   * Lengths of speech (from the first word) at which the greeting so far is transcribed
   * while it goes on, ms (default `[2500, 5000, 8000]`); it is also transcribed whenever
   * the speaker pauses. Each is one request to a turn-based engine.
   */
  readonly checkpointsMs?: readonly number[];
  /** Audio kept before the first word, ms (default 300). */
  readonly preRollMs?: number;
}

/** After a voicemail verdict: how its greeting's end is found. */
export interface GreetingEndOptions {
  /** Silence after the last word that ends a greeting with no beep, ms (default 1500). */
  readonly silenceMs?: number;
  /** Stop waiting for the end this long after the verdict, ms (default 30 000). */
  readonly timeoutMs?: number;
}

/** Options of {@link createAnswerDetector}. */
export interface AnswerDetectorOptions {
  /** The VAD engine (default: the WebRTC VAD from `@psrkit/plugin-vad`, loaded once on first use). */
  readonly openVad?: OpenVad;
  /** The WebRTC VAD's aggressiveness, 0–3 (default 2). Other engines refuse it. */
  readonly vadMode?: VadMode;
  /** Timing rules (Asterisk-like; see {@link CadenceOptions}). */
  readonly cadence?: CadenceOptions;
  /** What a beep is. */
  readonly beep?: BeepOptions;
  /** The transcript detector; without it, the cadence detector decides alone. */
  readonly transcript?: TranscriptOptions;
  /** Which detectors decide (default `combined` with `transcript`, else `cadence`). */
  readonly use?: DetectorMode;
  /** After a voicemail verdict, how its greeting's end is found. */
  readonly greetingEnd?: GreetingEndOptions;
}

/** A detector's settings, every default filled in. */
export interface ResolvedOptions {
  /** Its name. */
  readonly name: DetectorMode;
  /** The VAD, or `undefined` for the default WebRTC VAD. */
  readonly openVad: OpenVad | undefined;
  /** The VAD's mode, if any. */
  readonly vadMode: VadMode | undefined;
  /** What the session runs on. */
  readonly session: SessionConfig;
}

const DEFAULT_CHECKPOINTS = [2500, 5000, 8000];

/** Checks the options and fills in the defaults (`INVALID_OPTION` names a bad one). */
export function resolveOptions(options: AnswerDetectorOptions): ResolvedOptions {
  const { transcript } = options;
  const mode: DetectorMode = options.use ?? (transcript ? 'combined' : 'cadence');
  if (mode !== 'cadence' && mode !== 'transcript' && mode !== 'combined')
    throw new AnswerDetectError(
      'INVALID_OPTION',
      `use must be cadence, transcript or combined, got ${mode}`,
    );
  if (mode !== 'cadence' && !transcript?.stt)
    throw new AnswerDetectError('INVALID_OPTION', `use: '${mode}' needs transcript.stt`);
  const cadence = cadenceSettings(options.cadence, mode === 'cadence' ? 5000 : 10_000);
  const greetingEnd = {
    silenceMs: 1500,
    timeoutMs: 30_000,
    ...definedOnly(options.greetingEnd ?? {}),
  };
  check(greetingEnd.silenceMs, 'greetingEnd.silenceMs', 0);
  check(greetingEnd.timeoutMs, 'greetingEnd.timeoutMs', 0);
  return {
    name: mode,
    openVad: options.openVad,
    vadMode: options.vadMode ?? (options.openVad ? undefined : 2),
    session: {
      mode,
      cadence,
      beep: beepSettings(options.beep),
      transcript: transcript && mode !== 'cadence' ? transcriptConfig(transcript) : undefined,
      greetingEnd,
    },
  };
}

function transcriptConfig(options: TranscriptOptions): SessionConfig['transcript'] {
  const maxHumanWords = options.maxHumanWords ?? 9;
  check(maxHumanWords, 'transcript.maxHumanWords', 1);
  const preRollMs = options.preRollMs ?? 300;
  check(preRollMs, 'transcript.preRollMs', 0);
  const checkpointsMs = [...(options.checkpointsMs ?? DEFAULT_CHECKPOINTS)];
  checkpointsMs.forEach((ms, i) => {
    check(ms, `transcript.checkpointsMs[${i}]`, (checkpointsMs[i - 1] ?? 0) + 1);
  });
  if (checkpointsMs.length === 0)
    throw new AnswerDetectError('INVALID_OPTION', 'transcript.checkpointsMs: give at least one');
  return {
    stt: options.stt,
    language: options.language,
    read: phraseReader(options.phrases ?? defaultPhraseLists),
    maxHumanWords,
    checkpointsMs,
    preRollMs,
  };
}

function check(value: number, name: string, min: number): void {
  const problem = numberProblem(value, { min });
  if (problem) throw new AnswerDetectError('INVALID_OPTION', `${name}: ${problem}`);
}
