import { PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { catchError, Observable, type OperatorFunction, Subject, throwError } from 'rxjs';
import type { AudioFrame, CallSide } from './audio-frame.js';
import { PipelineError } from './errors.js';
import { createResampler, type Resampler } from './resampler.js';
import type { AudioStagePlugin } from './stage-plugin.js';

/** A plugin and the options its stages are made with. */
export interface StageSpec<Options = unknown> {
  /** The plugin. */
  readonly plugin: AudioStagePlugin<Options>;
  /** The options its stages are made with. */
  readonly options?: Options;
}

/** A stage failed: the plugin it came from, and the cause. */
export class StageFailure extends PipelineError {
  constructor(
    /** The plugin's name. */
    readonly plugin: string,
    cause: unknown,
  ) {
    super('STAGE_FAILED', (cause as Error)?.message ?? String(cause), {
      where: `stage "${plugin}"`,
      cause,
    });
  }
}

/**
 * Resamples frames to `rate`, each side with its own streaming resampler (`startSample`
 * counts at the new rate); frames already at `rate` pass as they are.
 */
export function resampleFrames(rate: number): OperatorFunction<AudioFrame, AudioFrame> {
  return (source) =>
    new Observable<AudioFrame>((subscriber) => {
      const sides = new Map<CallSide, { resampler: Resampler; next: number }>();
      const emit = (channel: CallSide, samples: Int16Array): void => {
        const side = sides.get(channel)!;
        if (samples.length === 0) return;
        subscriber.next({ samples, sampleRate: rate, channel, startSample: side.next });
        side.next += samples.length;
      };
      return source.subscribe({
        next(frame) {
          if (frame.sampleRate === rate) return subscriber.next(frame);
          let side = sides.get(frame.channel);
          if (!side) {
            side = {
              resampler: createResampler({ inputRate: frame.sampleRate, outputRate: rate }),
              next: 0,
            };
            sides.set(frame.channel, side);
          }
          emit(frame.channel, side.resampler.push(frame.samples));
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          for (const [channel, side] of sides) emit(channel, side.resampler.flush());
          subscriber.complete();
        },
      });
    });
}

/**
 * Fresh stages of every plugin in order, over 8 kHz frames: a resampler before a plugin
 * that does not take the rate it would get (to the nearest rate it takes, upwards first),
 * and back to 8 kHz at the end. What fails inside is a {@link StageFailure} naming the
 * plugin. Throws one when a plugin cannot make its stage (its options refused).
 */
export function stageChain(specs: readonly StageSpec[]): OperatorFunction<AudioFrame, AudioFrame> {
  const operators: OperatorFunction<AudioFrame, AudioFrame>[] = [];
  let rate = PSR_SAMPLE_RATE;
  for (const { plugin, options } of specs) {
    const accepts = plugin.input.sampleRates;
    if (accepts !== 'any' && !accepts.includes(rate)) {
      const sorted = [...accepts].sort((a, b) => a - b);
      rate = sorted.find((r) => r >= rate) ?? sorted.at(-1)!;
      operators.push(resampleFrames(rate));
    }
    let stage: OperatorFunction<AudioFrame, AudioFrame>;
    try {
      stage = plugin.createStage(options as never);
    } catch (error) {
      throw new StageFailure(plugin.name, error);
    }
    operators.push((source) =>
      stage(source).pipe(
        catchError((error: unknown) =>
          throwError(() =>
            error instanceof StageFailure ? error : new StageFailure(plugin.name, error),
          ),
        ),
      ),
    );
    if (plugin.output !== 'same-as-input') rate = plugin.output.sampleRate;
  }
  if (rate !== PSR_SAMPLE_RATE) operators.push(resampleFrames(PSR_SAMPLE_RATE));
  return (source) => operators.reduce((frames, operator) => operator(frames), source);
}

/** 8 kHz mono PCM through stages, piece by piece, without timers. */
export interface PcmProcessor {
  /** The next piece in; what the stages gave out so far. */
  push(samples: Int16Array): Int16Array[];
  /** The end: what the stages held. */
  end(): Int16Array[];
}

/** `{ outbound }` when an item has stages, else nothing (for exact optional properties). */
export const withOutbound = (outbound: PcmProcessor | undefined): { outbound?: PcmProcessor } =>
  outbound ? { outbound } : {};

/**
 * Runs a stage chain over one stream of 8 kHz mono PCM synchronously, as the playout line
 * needs it (a stage that gives its output later has it taken at the next piece).
 * @throws {StageFailure} from `push` or `end` once a stage failed
 */
export function stageProcessor(specs: readonly StageSpec[]): PcmProcessor {
  const input = new Subject<AudioFrame>();
  let out: Int16Array[] = [];
  let failed: StageFailure | undefined;
  let at = 0;
  input.pipe(stageChain(specs)).subscribe({
    next: (frame) => void out.push(frame.samples),
    error: (error: unknown) => {
      failed = error instanceof StageFailure ? error : new StageFailure('?', error);
    },
  });
  const take = (): Int16Array[] => {
    if (failed) throw failed;
    const taken = out;
    out = [];
    return taken;
  };
  return {
    push(samples) {
      if (failed) throw failed;
      input.next({ samples, sampleRate: PSR_SAMPLE_RATE, channel: 'a', startSample: at });
      at += samples.length;
      return take();
    },
    end() {
      input.complete();
      return take();
    },
  };
}
