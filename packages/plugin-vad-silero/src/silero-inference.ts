import { VadError } from '@psrkit/plugin-vad';
import ort from 'onnxruntime-node';

/** Samples per frame and of context carried between frames, at one rate (Silero v5). */
export interface SileroShape {
  readonly frame: number;
  readonly context: number;
}

/** Silero v5's frames, per rate. */
export const SHAPES: Readonly<Record<number, SileroShape>> = {
  8000: { frame: 256, context: 32 },
  16000: { frame: 512, context: 64 },
};
const STATE_SIZE = 2 * 1 * 128;

/**
 * The model's side of one stream: the input (the last frame's tail as context, then the
 * frame) and the recurrent state the model hands back after each frame. A class: those
 * two buffers are its state, which `run` moves on and `reset` clears. Run one frame at a
 * time, in order.
 */
export class SileroInference {
  private readonly input: Float32Array;
  private state: Float32Array = new Float32Array(STATE_SIZE);
  private readonly rate: ort.Tensor;
  private readonly names: {
    readonly input: string;
    readonly state: string;
    readonly rate: string;
    readonly output: string;
    readonly nextState: string;
  };

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly shape: SileroShape,
    sampleRate: number,
  ) {
    const [input = 'input', state = 'state', rate = 'sr'] = session.inputNames;
    const [output = 'output', nextState = 'stateN'] = session.outputNames;
    this.names = { input, state, rate, output, nextState };
    this.rate = new ort.Tensor('int64', BigInt64Array.of(BigInt(sampleRate)), []);
    this.input = new Float32Array(shape.context + shape.frame); // context, then the frame
  }

  /** The speech probability of the next frame (0–1). */
  async run(frame: Int16Array): Promise<number> {
    const { input, shape, names } = this;
    // In place, one frame at a time: the last frame's tail becomes the context.
    input.copyWithin(0, shape.frame);
    for (let i = 0; i < frame.length; i++) input[shape.context + i] = frame[i]! / 32768;
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await this.session.run({
        [names.input]: new ort.Tensor('float32', input, [1, input.length]),
        [names.state]: new ort.Tensor('float32', this.state, [2, 1, 128]),
        [names.rate]: this.rate,
      });
    } catch (cause) {
      throw new VadError('ENGINE_FAILED', `Silero inference failed: ${(cause as Error).message}`, {
        cause,
      });
    }
    this.state = result[names.nextState]!.data as Float32Array; // a fresh array of the runtime's
    return (result[names.output]!.data as Float32Array)[0]!;
  }

  /** Forgets the frames heard so far. */
  reset(): void {
    this.input.fill(0);
    this.state = new Float32Array(STATE_SIZE);
  }
}
