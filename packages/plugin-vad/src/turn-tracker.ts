import type { SuspicionEvent, TurnEvent } from './detect-turns.js';
import type { VadLevel } from './vad.js';

/** Audio kept after a turn's last voiced frame, ms. */
const TAIL_MS = 100;

/** What ends a turn. */
export type TurnEndReason = Extract<TurnEvent, { type: 'speech-end' }>['reason'];

/** What the tracker emits: turns, and with `suspectMs`, suspicions. */
export type TrackedEvent = TurnEvent | SuspicionEvent;

/** How turns are found in the VAD's decisions: its frames, and the thresholds, ms. */
export interface TurnRules {
  /** The stream's rate, Hz. */
  readonly rate: number;
  /** Samples per VAD decision. */
  readonly frameSamples: number;
  readonly startMs: number;
  readonly endSilenceMs: number;
  readonly preRollMs: number;
  readonly maxTurnMs: number;
  /** Voice in a row that raises a suspicion, ms (shorter than `startMs`); none when undefined. */
  readonly suspectMs?: number | undefined;
  /** A suspicion not confirmed by a turn is cleared at the first silent frame after this, ms. */
  readonly suspicionMs: number;
  /**
   * A suspicion raised by an energy onset (`suspect()`) is cleared once the VAD has decided
   * this much audio after it without a speech or `maybe` frame, ms.
   */
  readonly onsetClearMs: number;
}

/**
 * A suspicion that is up: since when (sample), whether an energy onset raised it (else the
 * VAD), and whether the VAD has heard speech or `maybe` since.
 */
export interface Suspicion {
  readonly at: number;
  readonly byOnset: boolean;
  readonly heard: boolean;
}

/**
 * Where the caller is. `listening`: between turns, keeping the pre-roll, the run of speech
 * frames so far (`run`) and of speech or `maybe` frames (`near`), and since when (sample) a
 * suspicion is up ({@link Suspicion}), if one is. `in-turn`: a turn's frames from its pre-roll on, the end of
 * its last voiced frame, and the silence since.
 */
export type TurnState =
  | {
      readonly phase: 'listening';
      readonly recent: Int16Array[];
      readonly run: number;
      readonly near: number;
      readonly suspicion?: Suspicion;
    }
  | {
      readonly phase: 'in-turn';
      readonly startSample: number;
      readonly frames: Int16Array[];
      readonly voicedEnd: number;
      readonly silenceMs: number;
    };

/**
 * Turn-taking over a VAD's decisions, one frame at a time: `speech-start` once `startMs`
 * of speech in a row is heard, `speech-end` (with the turn's audio) after `endSilenceMs` of
 * silence, after `maxTurnMs`, or when told (the stream's end). With `suspectMs`, a shorter
 * run — of speech or `maybe` frames — first raises `speech-suspected`; a turn confirms it
 * (`speech-start`), else it ends with `suspicion-cleared` at the first silent frame
 * `suspicionMs` after its onset, or at the stream's end. An energy onset may raise one too,
 * ahead of the VAD (`suspect()`); the VAD clears that one sooner, after `onsetClearMs` of
 * frames with neither speech nor `maybe`. A `maybe` frame is silence to a turn. A class: the turn state is its one field, and a decision and an end
 * are the two ways it changes.
 */
export class TurnTracker {
  private state: TurnState = { phase: 'listening', recent: [], run: 0, near: 0 };
  private readonly frameMs: number;

  constructor(
    private readonly rules: TurnRules,
    private readonly emit: (event: TrackedEvent) => void,
  ) {
    this.frameMs = (rules.frameSamples * 1000) / rules.rate;
  }

  /** The VAD's decision on the frame starting at `startSample`. */
  decide(frame: Int16Array, startSample: number, level: VadLevel): void {
    if (this.state.phase === 'in-turn')
      this.inTurn(this.state, frame, startSample, level === 'speech');
    else this.listening(this.state, frame, startSample, level);
  }

  /**
   * An energy onset at `atSample`, ahead of the VAD's decisions: a suspicion, unless one is
   * up or a turn is under way (or suspicions are off).
   */
  suspect(atSample: number): void {
    const state = this.state;
    if (this.rules.suspectMs === undefined || state.phase !== 'listening' || state.suspicion)
      return;
    this.emit({ type: 'speech-suspected', atMs: this.toMs(atSample) });
    this.state = { ...state, suspicion: { at: atSample, byOnset: true, heard: false } };
  }

  /** Ends the turn under way, if any, at `atSample`. */
  end(atSample: number, reason: TurnEndReason): void {
    const turn = this.state;
    if (turn.phase !== 'in-turn') {
      if (reason === 'stream-end') this.clear(turn, atSample);
      return;
    }
    const { rate, frameSamples } = this.rules;
    const kept = Math.min(
      turn.frames.length * frameSamples,
      turn.voicedEnd - turn.startSample + Math.round((rate * TAIL_MS) / 1000),
    );
    const audio = new Int16Array(kept);
    let at = 0;
    for (const frame of turn.frames) {
      if (at >= kept) break;
      audio.set(frame.subarray(0, kept - at), at);
      at += frame.length;
    }
    this.emit({
      type: 'speech-end',
      atMs: this.toMs(atSample),
      startMs: this.toMs(turn.startSample),
      audio,
      sampleRate: rate,
      reason,
    });
    this.state = { phase: 'listening', recent: [], run: 0, near: 0 };
  }

  private listening(
    state: Extract<TurnState, { phase: 'listening' }>,
    frame: Int16Array,
    startSample: number,
    level: VadLevel,
  ): void {
    const { frameSamples, preRollMs, startMs } = this.rules;
    const endSample = startSample + frame.length;
    const recent = state.recent;
    recent.push(frame);
    const run = level === 'speech' ? state.run + 1 : 0;
    const near = level === 'silence' ? 0 : state.near + 1;
    const keep = Math.ceil(preRollMs / this.frameMs) + run;
    while (recent.length > keep) recent.shift();
    if (run === 0 || run * this.frameMs < startMs) {
      const suspicion = this.suspicion(state, near, endSample);
      this.state = { ...suspicion, phase: 'listening', recent, run, near };
      return;
    }
    const onset = endSample - run * frameSamples;
    this.state = {
      phase: 'in-turn',
      startSample: endSample - recent.length * frameSamples,
      frames: recent.splice(0),
      voicedEnd: endSample,
      silenceMs: 0,
    };
    this.emit({ type: 'speech-start', atMs: this.toMs(onset) });
  }

  /**
   * The suspicion up after this frame, if any: raised by a `run` of speech or `maybe` frames
   * of `suspectMs`; cleared by a silent frame `suspicionMs` after its onset, or — one an
   * energy onset raised — `onsetClearMs` after it when the VAD has heard nothing since
   * (emitting each).
   */
  private suspicion(
    state: Extract<TurnState, { phase: 'listening' }>,
    run: number,
    endSample: number,
  ): { suspicion?: Suspicion } {
    const { suspectMs, suspicionMs, onsetClearMs, frameSamples } = this.rules;
    const { suspicion } = state;
    if (suspectMs === undefined) return {};
    if (suspicion === undefined) {
      if (run === 0 || run * this.frameMs < suspectMs) return {};
      const onset = endSample - run * frameSamples;
      this.emit({ type: 'speech-suspected', atMs: this.toMs(onset) });
      return { suspicion: { at: onset, byOnset: false, heard: true } };
    }
    const since = this.toMs(endSample - suspicion.at);
    if (run > 0) return { suspicion: since > 0 ? { ...suspicion, heard: true } : suspicion };
    const unheard = suspicion.byOnset && !suspicion.heard && since >= onsetClearMs;
    if (!unheard && since < suspicionMs) return { suspicion };
    this.clear(state, endSample);
    return {};
  }

  /** Emits `suspicion-cleared` for a suspicion that is up. */
  private clear(state: Extract<TurnState, { phase: 'listening' }>, atSample: number): void {
    if (state.suspicion === undefined) return;
    this.emit({
      type: 'suspicion-cleared',
      atMs: this.toMs(atSample),
      suspectedAtMs: this.toMs(state.suspicion.at),
    });
  }

  private inTurn(
    turn: Extract<TurnState, { phase: 'in-turn' }>,
    frame: Int16Array,
    startSample: number,
    voiced: boolean,
  ): void {
    const endSample = startSample + frame.length;
    turn.frames.push(frame);
    const silenceMs = voiced ? 0 : turn.silenceMs + this.frameMs;
    this.state = { ...turn, voicedEnd: voiced ? endSample : turn.voicedEnd, silenceMs };
    if (silenceMs >= this.rules.endSilenceMs) this.end(endSample, 'silence');
    else if (this.toMs(endSample - turn.startSample) >= this.rules.maxTurnMs)
      this.end(endSample, 'max-length');
  }

  private toMs(sample: number): number {
    return (sample * 1000) / this.rules.rate;
  }
}
