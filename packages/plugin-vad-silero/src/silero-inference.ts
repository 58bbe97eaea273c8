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
/** The recurrent state of one stream: `[2, 1, 128]` (the model's is `[2, batch, 128]`). */
const STATE_WIDTH = 128;

/** What a stream needs from the model: one frame's speech probability (0–1), in order. */
export interface SileroStream {
  run(frame: Int16Array): Promise<number>;
  /** Forgets the frames heard so far. */
  reset(): void;
}

/**
 * The model at one rate: the session, its input and output names and the rate tensor.
 * `run` runs any number of streams' next frames in one inference, the batch dimension
 * holding one stream each.
 */
export class SileroModel {
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
    readonly shape: SileroShape,
    sampleRate: number,
  ) {
    const [input = 'input', state = 'state', rate = 'sr'] = session.inputNames;
    const [output = 'output', nextState = 'stateN'] = session.outputNames;
    this.names = { input, state, rate, output, nextState };
    this.rate = new ort.Tensor('int64', BigInt64Array.of(BigInt(sampleRate)), []);
  }

  /**
   * The speech probabilities of each stream's next frame, in the order given. Each row of
   * the batch is the stream's context (its last frame's tail), then the frame; the state is
   * `[2, batch, 128]`. The streams move on only when the run succeeds: a failure
   * (`VadError` `ENGINE_FAILED`) leaves every one of them as it was.
   */
  async run(items: readonly { stream: SileroStreamState; frame: Int16Array }[]): Promise<number[]> {
    const { shape, names } = this;
    const batch = items.length;
    const width = shape.context + shape.frame;
    const input = new Float32Array(batch * width);
    const state = new Float32Array(2 * batch * STATE_WIDTH);
    items.forEach(({ stream, frame }, b) => {
      input.set(stream.context, b * width);
      for (let i = 0; i < frame.length; i++)
        input[b * width + shape.context + i] = frame[i]! / 32768;
      for (let layer = 0; layer < 2; layer++)
        state.set(stream.state[layer]!, (layer * batch + b) * STATE_WIDTH);
    });
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await this.session.run({
        [names.input]: new ort.Tensor('float32', input, [batch, width]),
        [names.state]: new ort.Tensor('float32', state, [2, batch, STATE_WIDTH]),
        [names.rate]: this.rate,
      });
    } catch (cause) {
      throw new VadError('ENGINE_FAILED', `Silero inference failed: ${(cause as Error).message}`, {
        cause,
      });
    }
    const next = result[names.nextState]!.data as Float32Array;
    const output = result[names.output]!.data as Float32Array;
    items.forEach(({ stream }, b) => {
      const row = b * width;
      stream.context.set(input.subarray(row + width - shape.context, row + width));
      for (let layer = 0; layer < 2; layer++) {
        const at = (layer * batch + b) * STATE_WIDTH;
        stream.state[layer]!.set(next.subarray(at, at + STATE_WIDTH));
      }
    });
    return Array.from(output.subarray(0, batch));
  }
}

/** One stream's side of the model: the last frame's tail (context) and the recurrent state. */
export class SileroStreamState {
  readonly context: Float32Array;
  readonly state: readonly [Float32Array, Float32Array] = [
    new Float32Array(STATE_WIDTH),
    new Float32Array(STATE_WIDTH),
  ];

  constructor(shape: SileroShape) {
    this.context = new Float32Array(shape.context);
  }

  /** Back to a fresh stream. */
  clear(): void {
    this.context.fill(0);
    for (const layer of this.state) layer.fill(0);
  }
}

/**
 * One stream on the model, one inference per frame (a batch of one). Run one frame at a
 * time, in order.
 */
export class SileroInference implements SileroStream {
  private readonly stream: SileroStreamState;

  constructor(private readonly model: SileroModel) {
    this.stream = new SileroStreamState(model.shape);
  }

  /** The speech probability of the next frame (0–1). */
  async run(frame: Int16Array): Promise<number> {
    const [probability] = await this.model.run([{ stream: this.stream, frame }]);
    return probability!;
  }

  /** Forgets the frames heard so far. */
  reset(): void {
    this.stream.clear();
  }
}
