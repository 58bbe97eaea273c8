import { numberProblem } from '@psrkit/pipeline';
import type { FrameObservation } from './analyse-frames.js';
import { definedOnly } from './cadence-options.js';
import { AnswerDetectError } from './errors.js';
import { TONE_RANGE_HZ } from './tone-analyser.js';
import type { Beep } from './verdict.js';

/** What counts as a beep: a steady tone between 300 and 3400 Hz. */
export interface BeepOptions {
  /** Shortest beep, ms (default 160; eSpeak's flattest vowels pass for a tone for up to ~120 ms). */
  readonly minMs?: number;
  /** Longest beep, ms (default 2500; a longer tone is something else: a fax, a dial tone). */
  readonly maxMs?: number;
  /** Share of the power in one spectral line, 0–1 (default 0.8; speech stays under 0.6). */
  readonly minPurity?: number;
  /** How far the tone must rise above the noise floor, dB (default 10). */
  readonly aboveFloorDb?: number;
}

/** {@link BeepOptions} with every default filled in. */
export type BeepSettings = Required<BeepOptions>;

/** The beep defaults (see {@link BeepOptions}). */
export const BEEP_DEFAULTS: Readonly<Required<BeepOptions>> = Object.freeze({
  minMs: 160,
  maxMs: 2500,
  minPurity: 0.8,
  aboveFloorDb: 10,
});

/** Fills in the defaults and checks each option. */
export function beepSettings(options: BeepOptions = {}): BeepSettings {
  const settings = { ...BEEP_DEFAULTS, ...definedOnly(options) };
  for (const [name, value] of Object.entries(settings)) {
    const problem = numberProblem(value, name === 'minPurity' ? { min: 0, max: 1 } : { min: 0 });
    if (problem) throw new AnswerDetectError('INVALID_OPTION', `beep.${name}: ${problem}`);
  }
  return settings;
}

/** True when a frame is tone-like: pure enough, in the beep range, above the floor. */
export function isTonal(frame: FrameObservation, settings: BeepSettings): boolean {
  const tone = frame.tone;
  return (
    tone !== undefined &&
    tone.purity >= settings.minPurity &&
    tone.frequencyHz >= TONE_RANGE_HZ.low &&
    tone.frequencyHz <= TONE_RANGE_HZ.high &&
    frame.levelDb >= frame.floorDb + settings.aboveFloorDb
  );
}

type ToneRun =
  | { readonly phase: 'none' }
  | {
      readonly phase: 'tone';
      readonly startMs: number;
      readonly endMs: number;
      readonly frequencyHz: number;
      readonly levelDb: number;
      readonly frames: number;
    };

/**
 * Finds beeps: runs of tone-like frames at the frequency (within 0.5 % or 4 Hz) and level
 * (within 1.5 dB) of their first frame, between `minMs` and `maxMs` long. Voices glide and
 * swell: a vowel's strongest harmonic can be as pure as a tone, but not that steady for long. A beep is reported when it ends — the greeting is
 * over then — so `push` returns it at the first frame after the tone.
 */
export class BeepTracker {
  private run: ToneRun = { phase: 'none' };

  constructor(private readonly settings: BeepSettings) {}

  /** True while tone-like frames go on (a beep may be under way). */
  get toneGoingOn(): boolean {
    return this.run.phase === 'tone';
  }

  /** Adds a frame; returns the beep that ended just before it, if any. */
  push(frame: FrameObservation): Beep | undefined {
    const tonal = isTonal(frame, this.settings);
    const run = this.run;
    if (run.phase === 'tone' && tonal && steady(run, frame)) {
      this.run = { ...run, endMs: frame.endMs, frames: run.frames + 1 };
      return undefined;
    }
    this.run = tonal
      ? {
          phase: 'tone',
          startMs: frame.startMs,
          endMs: frame.endMs,
          frequencyHz: frame.tone!.frequencyHz,
          levelDb: frame.levelDb,
          frames: 1,
        }
      : { phase: 'none' };
    return run.phase === 'tone' ? this.asBeep(run) : undefined;
  }

  /** The beep going on when the audio ends, if it is long enough. */
  end(): Beep | undefined {
    const run = this.run;
    this.run = { phase: 'none' };
    return run.phase === 'tone' ? this.asBeep(run) : undefined;
  }

  private asBeep(run: Extract<ToneRun, { phase: 'tone' }>): Beep | undefined {
    const ms = run.endMs - run.startMs;
    if (ms < this.settings.minMs || ms > this.settings.maxMs) return undefined;
    return {
      startMs: run.startMs,
      endMs: run.endMs,
      frequencyHz: Math.round(run.frequencyHz),
    };
  }
}

function steady(run: { frequencyHz: number; levelDb: number }, frame: FrameObservation): boolean {
  const hz = run.frequencyHz;
  return (
    Math.abs(frame.tone!.frequencyHz - hz) <= Math.max(4, hz * 0.005) &&
    Math.abs(frame.levelDb - run.levelDb) <= 1.5
  );
}
