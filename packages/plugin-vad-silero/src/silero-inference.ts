import { VadError } from '@psrkit/plugin-vad';
import ort from 'onnxruntime-node';
import { type SileroNames, SileroRunBuffers, STATE_WIDTH } from './silero-run-buffers.js';

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
/** What a stream needs from the model: one frame's speech probability (0–1), in order. */
export interface SileroStream {
  run(frame: Int16Array): Promise<number>;
  /** Takes the frame without running the model: it becomes the next frame's context. */
  skip(frame: Int16Array): void;
  /** Forgets the frames heard so far. */
  reset(): void;
}

/** One stream's next frame in a run. */
export interface SileroItem {
  readonly stream: SileroStreamState;
  readonly frame: Int16Array;
}

/**
 * The model at one rate: the session, its input and output names and the rate tensor.
 * `run` runs any number of streams' next frames in one inference, the batch dimension
 * holding one stream each.
 */
export class SileroModel {
  private readonly rate: ort.Tensor;
  private readonly names: SileroNames;
  /** The buffers between runs; a run that starts while another is on makes its own. */
  private spare: SileroRunBuffers | undefined;

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
  async run(items: readonly SileroItem[]): Promise<ArrayLike<number>> {
    const batch = items.length;
    const buffers = this.take(batch);
    try {
      fill(buffers, items, this.shape);
      const { feeds, fetches } = buffers.forBatch(batch);
      try {
        await this.session.run(feeds, fetches);
      } catch (cause) {
        throw new VadError(
          'ENGINE_FAILED',
          `Silero inference failed: ${(cause as Error).message}`,
          { cause },
        );
      }
      advance(buffers, items, this.shape);
      return buffers.output.slice(0, batch);
    } finally {
      if (!this.spare || this.spare.capacity < buffers.capacity) this.spare = buffers;
    }
  }

  /** The spare buffers when they are free and big enough, else new ones (a power of two). */
  private take(batch: number): SileroRunBuffers {
    const { spare } = this;
    if (spare && spare.capacity >= batch) {
      this.spare = undefined;
      return spare;
    }
    const capacity = 2 ** Math.ceil(Math.log2(batch));
    const width = this.shape.context + this.shape.frame;
    return new SileroRunBuffers(capacity, width, this.names, this.rate);
  }
}

/** Each stream's row (context, then the frame as floats) and its state, into the run's inputs. */
function fill(buffers: SileroRunBuffers, items: readonly SileroItem[], shape: SileroShape): void {
  const { input, state } = buffers;
  const batch = items.length;
  const width = shape.context + shape.frame;
  for (let b = 0; b < batch; b++) {
    const { stream, frame } = items[b]!;
    const row = b * width;
    input.set(stream.context, row);
    for (let i = 0, at = row + shape.context; i < frame.length; i++, at++)
      input[at] = frame[i]! / 32768;
    state.set(stream.state[0], b * STATE_WIDTH);
    state.set(stream.state[1], (batch + b) * STATE_WIDTH);
  }
}

/** After a run: each stream's context is its frame's tail, its state the run's next state. */
function advance(
  buffers: SileroRunBuffers,
  items: readonly SileroItem[],
  shape: SileroShape,
): void {
  const { input, nextState } = buffers;
  const batch = items.length;
  const width = shape.context + shape.frame;
  for (let b = 0; b < batch; b++) {
    const { stream } = items[b]!;
    const end = (b + 1) * width;
    stream.context.set(input.subarray(end - shape.context, end));
    for (let layer = 0; layer < 2; layer++) {
      const at = (layer * batch + b) * STATE_WIDTH;
      stream.state[layer]!.set(nextState.subarray(at, at + STATE_WIDTH));
    }
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

  /** A frame the model did not run: its tail is the next frame's context; the state stays. */
  skip(frame: Int16Array): void {
    const { context } = this;
    const from = frame.length - context.length;
    for (let i = 0; i < context.length; i++) context[i] = frame[from + i]! / 32768;
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
    return (await this.model.run([{ stream: this.stream, frame }]))[0]!;
  }

  /** Takes the frame without running the model (see {@link SileroStreamState.skip}). */
  skip(frame: Int16Array): void {
    this.stream.skip(frame);
  }

  /** Forgets the frames heard so far. */
  reset(): void {
    this.stream.clear();
  }
}
