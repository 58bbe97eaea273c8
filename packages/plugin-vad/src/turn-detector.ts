import { type AudioFrame, PcmFifo } from '@psrkit/pipeline';
import type { Subscriber } from 'rxjs';
import type { DetectTurnsOptions } from './detect-turns.js';
import { EnergyOnset } from './energy-onset.js';
import { VadError } from './errors.js';
import { type TrackedEvent, type TurnRules, TurnTracker } from './turn-tracker.js';
import type { Vad, VadLevel } from './vad.js';

/** A frame of the VAD's length, and where it starts in the stream, in samples. */
interface VadFrame {
  readonly frame: Int16Array;
  readonly startSample: number;
}

/** Before the first frame there is no VAD: it is opened at that frame's rate. */
type DetectorState =
  | { readonly phase: 'no-audio' }
  | {
      readonly phase: 'hearing';
      readonly vad: Vad;
      readonly rate: number;
      readonly tracker: TurnTracker;
    };

/**
 * `detectTurns` on one subscription: re-cuts the frames to the VAD's length, asks the VAD
 * one frame at a time (an asynchronous answer holds the frames after it, in order), hands
 * each decision to a {@link TurnTracker}, and completes after the last answer. A class:
 * the VAD, the frames waiting and whether an answer is pending are its state; a frame,
 * an answer and the source's end are its three events.
 */
export class TurnDetector {
  private state: DetectorState = { phase: 'no-audio' };
  /** Samples waiting for a whole frame of the VAD's. */
  private readonly carry = new PcmFifo();
  /** Where `carry` starts, in samples. */
  private carryStart = 0;
  /** Frames behind an answer. */
  private readonly waiting: VadFrame[] = [];
  /** An asynchronous answer is pending. */
  private asking = false;
  /** The source completed. */
  private ended = false;
  /** Energy onsets, when `onset` is on: suspicions ahead of the VAD. */
  private readonly onset: EnergyOnset | undefined;

  constructor(
    private readonly options: DetectTurnsOptions,
    private readonly rules: Omit<TurnRules, 'rate' | 'frameSamples'>,
    private readonly subscriber: Subscriber<TrackedEvent>,
  ) {
    const { onset } = options;
    this.onset = onset ? new EnergyOnset(onset === true ? {} : onset) : undefined;
  }

  /** A frame of the caller's audio (any length); the first opens the VAD at its rate. */
  frame(frame: AudioFrame): void {
    try {
      const state = this.state.phase === 'no-audio' ? this.open(frame) : this.state;
      if (frame.sampleRate !== state.rate) {
        throw new VadError(
          'INVALID_FRAME',
          `frames changed rate from ${state.rate} to ${frame.sampleRate} Hz`,
        );
      }
      if (frame.samples.length === 0) return;
      if (this.onset?.hear(frame.samples)) state.tracker.suspect(frame.startSample);
      const { frameSamples } = state.vad;
      this.carry.push(frame.samples);
      while (this.carry.length >= frameSamples) {
        // A copy: the turn keeps its frames, and the caller's buffer may be reused.
        this.waiting.push({
          frame: this.carry.take(frameSamples).slice(),
          startSample: this.carryStart,
        });
        this.carryStart += frameSamples;
      }
      this.ask(state);
    } catch (error) {
      this.subscriber.error(error);
    }
  }

  /** The source completed: done once the last answer is in. */
  sourceEnded(): void {
    this.ended = true;
    if (!this.asking) this.finish();
  }

  /** The subscription ended: the VAD is freed. */
  close(): void {
    if (this.state.phase === 'hearing') this.state.vad.close();
  }

  private open(frame: AudioFrame): Extract<DetectorState, { phase: 'hearing' }> {
    const { options } = this;
    const rate = frame.sampleRate;
    const vad = options.openVad({
      sampleRate: rate,
      ...(options.mode !== undefined && { mode: options.mode }),
    });
    const rules = { ...this.rules, rate, frameSamples: vad.frameSamples };
    const tracker = new TurnTracker(rules, (event) => this.subscriber.next(event));
    this.carryStart = frame.startSample;
    const hearing = { phase: 'hearing', vad, rate, tracker } as const;
    this.state = hearing;
    return hearing;
  }

  // Frames go to the VAD one at a time: synchronous answers are used at once, and
  // frames that arrive while an asynchronous answer is pending wait in order.
  private ask(state: Extract<DetectorState, { phase: 'hearing' }>): void {
    while (!this.asking && this.waiting.length > 0) {
      const { frame, startSample } = this.waiting.shift()!;
      const answer = levelOf(state.vad, frame);
      if (typeof answer === 'string') {
        state.tracker.decide(frame, startSample, answer);
        continue;
      }
      this.asking = true;
      answer.then(
        (level) => this.answered(state, { frame, startSample }, level),
        (error: unknown) => this.subscriber.error(error),
      );
    }
  }

  /** An asynchronous answer came: the frames behind it go next. */
  private answered(
    state: Extract<DetectorState, { phase: 'hearing' }>,
    { frame, startSample }: VadFrame,
    level: VadLevel,
  ): void {
    this.asking = false;
    if (this.subscriber.closed) return;
    try {
      state.tracker.decide(frame, startSample, level);
      this.ask(state);
      if (this.ended && !this.asking) this.finish();
    } catch (error) {
      this.subscriber.error(error);
    }
  }

  private finish(): void {
    if (this.state.phase === 'hearing') this.state.tracker.end(this.carryStart, 'stream-end');
    this.subscriber.complete();
  }
}

/** The VAD's graded decision on a frame: its own, or `isSpeech`'s as `speech`/`silence`. */
function levelOf(vad: Vad, frame: Int16Array): VadLevel | Promise<VadLevel> {
  if (vad.speechLevel) return vad.speechLevel(frame);
  const answer = vad.isSpeech(frame);
  return typeof answer === 'boolean' ? levelOfVoiced(answer) : answer.then(levelOfVoiced);
}

/** A yes/no decision as a level (module-level: no closure made per frame). */
const levelOfVoiced = (voiced: boolean): VadLevel => (voiced ? 'speech' : 'silence');
