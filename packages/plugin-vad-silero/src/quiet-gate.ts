import { levelDbfs, NoiseFloor } from '@psrkit/plugin-vad';

/** Options of Silero's quiet-frame gate (`loadSileroVad({ skipQuiet })`). */
export interface SkipQuietOptions {
  /** A frame within this many dB of the line's noise floor is quiet (default 6). */
  readonly marginDb?: number;
  /**
   * How long the model must have heard nothing near speech before quiet frames skip it, ms
   * (default 320: ten 32 ms frames). After any frame above the margin the model runs at
   * least this long again.
   */
  readonly holdMs?: number;
}

/**
 * Which frames may skip the model: a caller who is not speaking sends the line's hiss or
 * silence most of a call, and the model's answer to it is known. A frame is skipped when
 * its level is within `marginDb` of the line's noise floor (`NoiseFloor`) and the model
 * has called every one of the last `holdFrames` frames it ran well below a suspicion
 * (`quietBelow`); a frame above the margin always runs, and so do the `holdFrames` after
 * it, so a voice — even a soft one — reaches the model from its first frame.
 */
export class QuietGate {
  private readonly floor = new NoiseFloor();
  /** Frames near the floor in a row the model found quiet (skipped frames keep the count). */
  private quietRun = 0;
  /** The last frame asked about was near the floor. */
  private near = false;

  constructor(
    private readonly marginDb: number,
    private readonly holdFrames: number,
    private readonly quietBelow: number,
  ) {}

  /** True when `frame` may skip the model (its answer: the model's last, quiet one). */
  skips(frame: Int16Array): boolean {
    const level = levelDbfs(frame);
    this.near = level - this.floor.at(level) < this.marginDb;
    this.floor.follow(level, !this.near);
    if (!this.near) this.quietRun = 0;
    return this.near && this.quietRun >= this.holdFrames;
  }

  /** The model's probability for the frame it ran (the last one asked about). */
  heard(probability: number): void {
    this.quietRun = this.near && probability < this.quietBelow ? this.quietRun + 1 : 0;
  }

  /** The model forgot its stream: it runs `holdFrames` again before a frame is skipped. */
  reset(): void {
    this.quietRun = 0;
  }
}
