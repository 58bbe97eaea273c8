/**
 * The line's noise level, dBFS: the lower of two estimates.
 * - The average level of the frames the VAD calls non-speech (each weighs
 *   `1 / averageFrames`; a quieter frame pulls it down at once). Speech never raises it,
 *   however long it goes on without a pause (a carrier announcement).
 * - The quietest frame of the last `windowFrames` (a sliding minimum): right on noise the
 *   VAD takes for speech, when the first estimate has nothing to learn from.
 */
export class NoiseFloor {
  private average: number | undefined;
  private readonly levels: number[] = [];
  private readonly indexes: number[] = [];
  private head = 0;
  private count = 0;

  constructor(
    private readonly averageFrames: number,
    private readonly windowFrames: number,
  ) {}

  /** The floor so far (before the next frame); `undefined` before the first. */
  get db(): number | undefined {
    if (this.count === 0) return undefined;
    return Math.min(this.average ?? Number.POSITIVE_INFINITY, this.levels[this.head]!);
  }

  /** Adds a frame's level and whether the VAD heard speech in it. */
  push(levelDb: number, speech: boolean): void {
    if (!speech) {
      if (this.average === undefined || levelDb < this.average) this.average = levelDb;
      else this.average += (levelDb - this.average) / this.averageFrames;
    }
    while (this.levels.length > this.head && this.levels.at(-1)! >= levelDb) {
      this.levels.pop();
      this.indexes.pop();
    }
    this.levels.push(levelDb);
    this.indexes.push(this.count++);
    while (this.indexes[this.head]! <= this.count - 1 - this.windowFrames) this.head++;
    if (this.head > 256) {
      this.levels.splice(0, this.head);
      this.indexes.splice(0, this.head);
      this.head = 0;
    }
  }
}
