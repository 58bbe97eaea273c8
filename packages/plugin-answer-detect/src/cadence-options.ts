import { numberProblem } from '@psrkit/pipeline';
import { AnswerDetectError } from './errors.js';

/**
 * The cadence detector's timing, after Asterisk's `app_amd` (its names in brackets).
 * All times are ms of audio.
 */
export interface CadenceOptions {
  /** No word this long from the start: `silence` [initialSilence] (default 2500). */
  readonly initialSilenceMs?: number;
  /** More voice than this in the greeting: a machine [greeting] (default 2400, Twilio’s; Asterisk’s 1500 takes "Alô, em đang bận, lát gọi lại nhé" for a machine). */
  readonly greetingMs?: number;
  /**
   * A greeting with less voice than this, then silence, is surely a person: the combined
   * detector says `human` at once. A longer one (up to `greetingMs`) is a person for the
   * cadence detector too, but the combined detector first reads its transcript: it may be
   * a short voicemail greeting with a pause (default 1200).
   */
  readonly shortGreetingMs?: number;
  /** Silence this long after the greeting: `human` [afterGreetingSilence] (default 800). */
  readonly afterGreetingSilenceMs?: number;
  /** No decision within this: `unknown` [totalAnalysisTime] (default 5000; 10 000 with a transcript detector). */
  readonly totalAnalysisMs?: number;
  /** A voiced run this long is a word [minWordLength] (default 100). */
  readonly minWordMs?: number;
  /** Silence this long between two words [betweenWordsSilence] (default 50). */
  readonly betweenWordsSilenceMs?: number;
  /** More words than this before a pause: a machine [maximumNumberOfWords] (default 7; Asterisk's 2 takes "Dạ alô, ai đấy ạ?" for a machine). */
  readonly maxWords?: number;
  /** Quieter frames are silence, dBFS [silenceThreshold 256 ≈ −40 dBFS] (default −45). */
  readonly silenceThresholdDbfs?: number;
  /** Voice must also be this far above the line's noise floor, dB (default 6). */
  readonly aboveFloorDb?: number;
}

/** {@link CadenceOptions} with every default filled in. */
export type CadenceSettings = Required<CadenceOptions>;

/** The cadence defaults (see {@link CadenceOptions}). */
export const CADENCE_DEFAULTS: Readonly<Required<CadenceOptions>> = Object.freeze({
  initialSilenceMs: 2500,
  greetingMs: 2400,
  shortGreetingMs: 1200,
  afterGreetingSilenceMs: 800,
  totalAnalysisMs: 5000,
  minWordMs: 100,
  betweenWordsSilenceMs: 50,
  maxWords: 7,
  silenceThresholdDbfs: -45,
  aboveFloorDb: 6,
});

/** Fills in the defaults and checks each option (`INVALID_OPTION` names the bad one). */
export function cadenceSettings(
  options: CadenceOptions = {},
  totalAnalysisMs = CADENCE_DEFAULTS.totalAnalysisMs,
): CadenceSettings {
  const settings = { ...CADENCE_DEFAULTS, totalAnalysisMs, ...definedOnly(options) };
  for (const [name, value] of Object.entries(settings)) {
    const range =
      name === 'silenceThresholdDbfs'
        ? { min: -100, max: 0 }
        : { min: name === 'maxWords' ? 1 : 0 };
    const problem = numberProblem(value, range);
    if (problem) throw new AnswerDetectError('INVALID_OPTION', `cadence.${name}: ${problem}`);
  }
  return settings;
}

/** The entries of `options` that are not `undefined`. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
