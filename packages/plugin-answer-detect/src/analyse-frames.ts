import { type AudioFrame, type CallSide, PcmFifo } from '@psrkit/pipeline';
import type { OpenVad, Vad, VadMode } from '@psrkit/plugin-vad';
import { concatMap, defer, finalize, from, type Observable, type OperatorFunction } from 'rxjs';
import { AnswerDetectError } from './errors.js';
import { NoiseFloor } from './noise-floor.js';
import { ToneAnalyser, type ToneReading } from './tone-analyser.js';

/** One VAD frame of the answer, described. Times are ms on the call's clock. */
export interface FrameObservation {
  /** Where it starts, ms. */
  readonly startMs: number;
  /** Where it ends, ms. */
  readonly endMs: number;
  /** Its samples (one VAD frame). */
  readonly samples: Int16Array;
  /** Its rate, Hz. */
  readonly sampleRate: number;
  /** The side it is from. */
  readonly channel: CallSide;
  /** Where it starts, in samples (the call's clock). */
  readonly startSample: number;
  /** The VAD heard speech, and it is louder than the threshold and the noise floor. */
  readonly voice: boolean;
  /** Its level, dBFS. */
  readonly levelDb: number;
  /** The line's noise floor, dBFS (−100 until a non-speech frame was heard). */
  readonly floorDb: number;
  /** The strongest tone in it (read only when louder than −50 dBFS). */
  readonly tone: ToneReading | undefined;
}

/** Options of {@link analyseFrames}. */
export interface FrameAnalysisOptions {
  /** Opens the VAD (one instance per subscription); frames wait while a promised one loads. */
  readonly openVad: OpenVad | PromiseLike<OpenVad>;
  /** The WebRTC VAD's aggressiveness. */
  readonly vadMode?: VadMode;
  /** Frames quieter than this are silence, whatever the VAD says, dBFS. */
  readonly silenceThresholdDbfs: number;
  /** Voice must be this far above the noise floor, dB. */
  readonly aboveFloorDb: number;
}

const FLOOR_AVERAGE_MS = 400;
const FLOOR_WINDOW_MS = 1500;
const TONE_MIN_DBFS = -50;

/** Level of PCM16 samples, dBFS (−100 for digital silence). */
export function levelDbfs(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return sum === 0 ? -100 : Math.max(-100, 10 * Math.log10(sum / samples.length / 32768 ** 2));
}

/**
 * Frames of one side → one {@link FrameObservation} per VAD frame: re-cut to the VAD's
 * length, the VAD's answer (asked one frame at a time, in order, sync or async), the
 * level, the noise floor and the strongest tone. The VAD is opened at the first frame's
 * rate and closed on teardown. Refuses (`INVALID_AUDIO`) a rate the VAD cannot take, a
 * change of rate, and frames of two sides.
 */
export function analyseFrames(
  options: FrameAnalysisOptions,
): OperatorFunction<AudioFrame, FrameObservation> {
  return (source) =>
    defer(() => {
      const cutter = new FrameCutter(options);
      return source.pipe(
        concatMap((frame) => cutter.whenReady(frame)),
        concatMap((frame) => cutter.cut(frame)),
        concatMap((piece) => cutter.observe(piece)),
        finalize(() => cutter.close()),
      );
    });
}

interface Piece {
  readonly samples: Int16Array;
  readonly startSample: number;
}

/** The state of one subscription of {@link analyseFrames}. */
class FrameCutter {
  private openVad: OpenVad | undefined;
  private vad: Vad | undefined;
  private rate = 0;
  private channel: CallSide | undefined;
  private readonly fifo = new PcmFifo();
  private fifoStart = 0;
  private floor: NoiseFloor | undefined;
  private tones: ToneAnalyser | undefined;

  constructor(private readonly options: FrameAnalysisOptions) {
    if (typeof options.openVad === 'function') this.openVad = options.openVad;
  }

  /** The frame, once the VAD can be opened (at once unless it is still loading). */
  whenReady(frame: AudioFrame): Observable<AudioFrame> | AudioFrame[] {
    if (this.openVad) return [frame];
    return from(
      Promise.resolve(this.options.openVad as PromiseLike<OpenVad>).then((openVad) => {
        this.openVad = openVad;
        return frame;
      }),
    );
  }

  cut(frame: AudioFrame): Piece[] {
    if (!this.vad) this.open(frame);
    else if (frame.sampleRate !== this.rate)
      throw new AnswerDetectError(
        'INVALID_AUDIO',
        `frames changed rate from ${this.rate} to ${frame.sampleRate} Hz`,
      );
    if (frame.channel !== this.channel)
      throw new AnswerDetectError(
        'INVALID_AUDIO',
        `frames of sides ${this.channel} and ${frame.channel}: give one side (call.audio() is the remote one)`,
      );
    if (this.fifo.length === 0) this.fifoStart = frame.startSample; // follows gaps in the stream
    this.fifo.push(frame.samples);
    const size = this.vad!.frameSamples;
    const pieces: Piece[] = [];
    while (this.fifo.length >= size) {
      pieces.push({ samples: this.fifo.take(size).slice(), startSample: this.fifoStart });
      this.fifoStart += size;
    }
    return pieces;
  }

  observe(piece: Piece): Observable<FrameObservation> | FrameObservation[] {
    const answer = this.vad!.isSpeech(piece.samples);
    if (typeof answer === 'boolean') return [this.describe(piece, answer)];
    return from(answer.then((speech) => this.describe(piece, speech)));
  }

  close(): void {
    this.vad?.close();
  }

  private open(frame: AudioFrame): void {
    try {
      this.vad = this.openVad!({
        sampleRate: frame.sampleRate,
        ...(this.options.vadMode !== undefined && { mode: this.options.vadMode }),
      });
    } catch (cause) {
      throw new AnswerDetectError(
        'INVALID_AUDIO',
        `the VAD cannot take ${frame.sampleRate} Hz audio: ${(cause as Error).message}`,
        { cause },
      );
    }
    this.rate = frame.sampleRate;
    this.channel = frame.channel;
    const frameMs = (this.vad.frameSamples * 1000) / this.rate;
    this.floor = new NoiseFloor(
      Math.round(FLOOR_AVERAGE_MS / frameMs),
      Math.round(FLOOR_WINDOW_MS / frameMs),
    );
    this.tones = new ToneAnalyser(this.rate);
  }

  private describe(piece: Piece, speech: boolean): FrameObservation {
    const levelDb = levelDbfs(piece.samples);
    const floorDb = this.floor!.db ?? -100; // the floor before this frame
    this.floor!.push(levelDb, speech);
    const tone = this.tones!.push(piece.samples);
    const toMs = (sample: number) => (sample * 1000) / this.rate;
    return {
      startMs: toMs(piece.startSample),
      endMs: toMs(piece.startSample + piece.samples.length),
      samples: piece.samples,
      sampleRate: this.rate,
      channel: this.channel!,
      startSample: piece.startSample,
      voice:
        speech &&
        levelDb >= this.options.silenceThresholdDbfs &&
        levelDb >= floorDb + this.options.aboveFloorDb,
      levelDb,
      floorDb,
      tone: levelDb >= TONE_MIN_DBFS ? tone : undefined,
    };
  }
}
