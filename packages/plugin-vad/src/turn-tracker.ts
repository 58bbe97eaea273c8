import type { TurnEvent } from './detect-turns.js';

/** Audio kept after a turn's last voiced frame, ms. */
const TAIL_MS = 100;

/** What ends a turn. */
export type TurnEndReason = Extract<TurnEvent, { type: 'speech-end' }>['reason'];

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
}

/**
 * Where the caller is. `listening`: between turns, keeping the pre-roll and the voiced
 * run so far. `in-turn`: a turn's frames from its pre-roll on, the end of its last voiced
 * frame, and the silence since.
 */
export type TurnState =
  | { readonly phase: 'listening'; readonly recent: Int16Array[]; readonly run: number }
  | {
      readonly phase: 'in-turn';
      readonly startSample: number;
      readonly frames: Int16Array[];
      readonly voicedEnd: number;
      readonly silenceMs: number;
    };

/**
 * Turn-taking over a VAD's decisions, one frame at a time: `speech-start` once `startMs`
 * of voice in a row is heard, `speech-end` (with the turn's audio) after `endSilenceMs` of
 * silence, after `maxTurnMs`, or when told (the stream's end). A class: the turn state is
 * its one field, and a decision and an end are the two ways it changes.
 */
export class TurnTracker {
  private state: TurnState = { phase: 'listening', recent: [], run: 0 };
  private readonly frameMs: number;

  constructor(
    private readonly rules: TurnRules,
    private readonly emit: (event: TurnEvent) => void,
  ) {
    this.frameMs = (rules.frameSamples * 1000) / rules.rate;
  }

  /** The VAD's decision on the frame starting at `startSample`. */
  decide(frame: Int16Array, startSample: number, voiced: boolean): void {
    if (this.state.phase === 'in-turn') this.inTurn(this.state, frame, startSample, voiced);
    else this.listening(this.state, frame, startSample, voiced);
  }

  /** Ends the turn under way, if any, at `atSample`. */
  end(atSample: number, reason: TurnEndReason): void {
    const turn = this.state;
    if (turn.phase !== 'in-turn') return;
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
    this.state = { phase: 'listening', recent: [], run: 0 };
  }

  private listening(
    state: Extract<TurnState, { phase: 'listening' }>,
    frame: Int16Array,
    startSample: number,
    voiced: boolean,
  ): void {
    const { frameSamples, preRollMs, startMs } = this.rules;
    const endSample = startSample + frame.length;
    const recent = state.recent;
    recent.push(frame);
    const run = voiced ? state.run + 1 : 0;
    const keep = Math.ceil(preRollMs / this.frameMs) + run;
    while (recent.length > keep) recent.shift();
    if (!voiced || run * this.frameMs < startMs) {
      this.state = { phase: 'listening', recent, run };
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
