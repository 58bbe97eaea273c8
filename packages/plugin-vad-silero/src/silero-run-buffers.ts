import ort from 'onnxruntime-node';

/** The recurrent state of one stream: `[2, 1, 128]` (the model's is `[2, batch, 128]`). */
export const STATE_WIDTH = 128;

/** The model's input and output names, as the session reports them. */
export interface SileroNames {
  readonly input: string;
  readonly state: string;
  readonly rate: string;
  readonly output: string;
  readonly nextState: string;
}

/** One run's tensors: the inputs, and the outputs onnxruntime writes into. */
export interface SileroRunTensors {
  readonly feeds: Record<string, ort.Tensor>;
  readonly fetches: Record<string, ort.Tensor>;
}

/**
 * The memory of runs of up to `capacity` streams, kept from run to run: the input rows, the
 * state going in, and the probabilities and state coming out (preallocated outputs, so a
 * run allocates nothing the size of its batch). A run of `batch` streams uses the first
 * `batch` rows of each, through tensors made once per batch size.
 */
export class SileroRunBuffers {
  readonly input: Float32Array;
  readonly state: Float32Array;
  readonly output: Float32Array;
  readonly nextState: Float32Array;
  private readonly tensors = new Map<number, SileroRunTensors>();

  constructor(
    readonly capacity: number,
    private readonly width: number,
    private readonly names: SileroNames,
    private readonly rate: ort.Tensor,
  ) {
    this.input = new Float32Array(capacity * width);
    this.state = new Float32Array(2 * capacity * STATE_WIDTH);
    this.output = new Float32Array(capacity);
    this.nextState = new Float32Array(2 * capacity * STATE_WIDTH);
  }

  /** The tensors of a run of `batch` streams (at most `capacity`). */
  forBatch(batch: number): SileroRunTensors {
    let tensors = this.tensors.get(batch);
    if (!tensors) {
      const { names, width } = this;
      const states = 2 * batch * STATE_WIDTH;
      const stateDims = [2, batch, STATE_WIDTH];
      tensors = {
        feeds: {
          [names.input]: new ort.Tensor('float32', this.input.subarray(0, batch * width), [
            batch,
            width,
          ]),
          [names.state]: new ort.Tensor('float32', this.state.subarray(0, states), stateDims),
          [names.rate]: this.rate,
        },
        fetches: {
          [names.output]: new ort.Tensor('float32', this.output.subarray(0, batch), [batch, 1]),
          [names.nextState]: new ort.Tensor(
            'float32',
            this.nextState.subarray(0, states),
            stateDims,
          ),
        },
      };
      this.tensors.set(batch, tensors);
    }
    return tensors;
  }
}
