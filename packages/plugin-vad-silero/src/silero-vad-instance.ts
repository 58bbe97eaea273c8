import { VadError, type VadLevel } from '@psrkit/plugin-vad';
import type { QuietGate } from './quiet-gate.js';
import type { SileroShape, SileroStream } from './silero-inference.js';

/** The thresholds a probability is decided by (see `loadSileroVad`'s options). */
export interface SileroThresholds {
  readonly threshold: number;
  readonly negThreshold: number;
  readonly suspectThreshold: number;
}

/** What a frame is asked for: the probability, the speech decision, or the graded level. */
type Answer = 'probability' | 'decision' | 'level';

/** A frame asked, or a reset. */
type Job =
  | {
      readonly kind: 'frame';
      readonly frame: Int16Array;
      readonly answer: Answer;
      readonly resolve: (answer: number | boolean | VadLevel) => void;
      readonly reject: (error: unknown) => void;
    }
  | { readonly kind: 'reset' };

/**
 * One Silero VAD on one stream: frames and resets go to the model in the order asked, one
 * frame at a time. A frame asked while the model is free goes to it at once; others wait in
 * a queue, so an answer costs one promise from the model and one for the caller. With a
 * `gate`, a quiet frame skips the model and is answered with the model's last (quiet)
 * probability.
 */
export class SileroVadInstance {
  readonly frameSamples: number;
  private readonly jobs: Job[] = [];
  /** A frame is with the model. */
  private busy = false;
  private speaking = false;
  private open = true;
  /** The model's last answer: a skipped frame's. */
  private lastProbability = 0;
  private skipped = 0;

  constructor(
    private readonly model: SileroStream & { close?(): void },
    readonly sampleRate: number,
    shape: SileroShape,
    private readonly thresholds: SileroThresholds,
    private readonly gate?: QuietGate,
  ) {
    this.frameSamples = shape.frame;
  }

  /** Frames answered without the model (quiet: `loadSileroVad({ skipQuiet })`). */
  get framesSkipped(): number {
    return this.skipped;
  }

  // The public methods are bound (arrow properties): callers may pass them around alone.

  /** True when the frame holds speech (the model's probability against the thresholds, with hysteresis). */
  readonly isSpeech = (frame: Int16Array): Promise<boolean> =>
    this.ask(frame, 'decision') as Promise<boolean>;

  /** The model's speech probability for the frame (0–1); moves the same state as `isSpeech`. */
  readonly speechProbability = (frame: Int16Array): Promise<number> =>
    this.ask(frame, 'probability') as Promise<number>;

  /** `speech` as `isSpeech` says, else `maybe` from `suspectThreshold` up, else `silence`. */
  readonly speechLevel = (frame: Int16Array): Promise<VadLevel> =>
    this.ask(frame, 'level') as Promise<VadLevel>;

  /** Forgets the frames heard so far, after the frames already asked. */
  readonly reset = (): void => {
    if (!this.open) throw new VadError('CLOSED', 'this VAD was closed');
    this.jobs.push({ kind: 'reset' });
    this.next();
  };

  /** No more frames; a batched model drops this stream's frame waiting at once. */
  readonly close = (): void => {
    this.open = false;
    this.model.close?.();
  };

  private ask(frame: Int16Array, answer: Answer): Promise<number | boolean | VadLevel> {
    if (!this.open) throw new VadError('CLOSED', 'this VAD was closed');
    if (frame.length !== this.frameSamples)
      throw new VadError(
        'INVALID_FRAME',
        `a frame must be ${this.frameSamples} samples (32 ms at ${this.sampleRate} Hz), got ${frame.length}`,
      );
    const copy = frame.slice(); // the caller may reuse its buffer before the model runs
    return new Promise((resolve, reject) => {
      this.jobs.push({ kind: 'frame', frame: copy, answer, resolve, reject });
      this.next();
    });
  }

  /** Starts the next jobs while the model is free: resets at once, then one frame. */
  private next(): void {
    while (!this.busy && this.jobs.length > 0) {
      const job = this.jobs.shift()!;
      if (job.kind === 'reset') {
        this.model.reset();
        this.gate?.reset();
        this.speaking = false;
        this.lastProbability = 0;
        continue;
      }
      if (this.gate?.skips(job.frame)) {
        this.model.skip(job.frame);
        this.skipped++;
        job.resolve(this.answer(job.answer, this.lastProbability));
        continue;
      }
      this.busy = true;
      this.model.run(job.frame).then(
        (probability) => {
          this.busy = false;
          this.lastProbability = probability;
          this.gate?.heard(probability);
          job.resolve(this.answer(job.answer, probability));
          this.next();
        },
        (error: unknown) => {
          this.busy = false;
          job.reject(error);
          this.next();
        },
      );
    }
  }

  /** What the frame was asked for, from its probability. */
  private answer(answer: Answer, probability: number): number | boolean | VadLevel {
    if (answer === 'probability') return probability;
    const speech = this.decide(probability);
    if (answer === 'decision') return speech;
    if (speech) return 'speech';
    return probability >= this.thresholds.suspectThreshold ? 'maybe' : 'silence';
  }

  /** Hysteresis: once speech, a frame stays speech down to `negThreshold`. */
  private decide(probability: number): boolean {
    const { threshold, negThreshold } = this.thresholds;
    this.speaking = this.speaking ? probability >= negThreshold : probability >= threshold;
    return this.speaking;
  }
}
