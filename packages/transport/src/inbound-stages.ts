import {
  type AudioFrame,
  type AudioStagePlugin,
  type CallSide,
  PipelineError,
} from '@psrkit/pipeline';
import { PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { catchError, type OperatorFunction, Subject, throwError } from 'rxjs';
import { callerAudio } from './caller-audio.js';

/** A plugin and the options its stages are made with. */
export interface StageSpec<Options = unknown> {
  readonly plugin: AudioStagePlugin<Options>;
  readonly options?: Options;
}

/** Stages a call runs: `inbound` on the caller's audio, before the bot hears it. */
export interface CallStages {
  readonly inbound?: readonly StageSpec[];
}

/** A stage failed: the plugin it came from, and the cause. */
export class StageFailure extends PipelineError {
  constructor(
    readonly plugin: string,
    cause: unknown,
  ) {
    super('STAGE_FAILED', `stage "${plugin}"`, (cause as Error)?.message ?? String(cause), {
      cause,
    });
  }
}

/**
 * The chain of one side: fresh stages of every plugin in order, with a resampler before a
 * plugin that does not take the rate it would get (to the nearest rate it takes, upwards
 * first) and back to 8 kHz at the end. Throws a {@link StageFailure} when a plugin cannot
 * make its stage (its options refused).
 */
export function stageChain(specs: readonly StageSpec[]): OperatorFunction<AudioFrame, AudioFrame> {
  const operators: OperatorFunction<AudioFrame, AudioFrame>[] = [];
  let rate = PSR_SAMPLE_RATE;
  for (const { plugin, options } of specs) {
    const accepts = plugin.input.sampleRates;
    if (accepts !== 'any' && !accepts.includes(rate)) {
      const sorted = [...accepts].sort((a, b) => a - b);
      rate = sorted.find((r) => r >= rate) ?? sorted.at(-1)!;
      operators.push(callerAudio({ sampleRate: rate }));
    }
    let stage: OperatorFunction<AudioFrame, AudioFrame>;
    try {
      stage = plugin.createStage(options as never);
    } catch (error) {
      throw new StageFailure(plugin.name, error);
    }
    // Tag what fails inside with the plugin's name (what a later stage passes on, it keeps).
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
  if (rate !== PSR_SAMPLE_RATE) operators.push(callerAudio({ sampleRate: PSR_SAMPLE_RATE }));
  return (source) => operators.reduce((frames, operator) => operator(frames), source);
}

/**
 * Runs a call's inbound stages: one chain per side, made when the side's first frame
 * comes. A chain that fails is logged through `onFailure` and replaced by no stages for
 * the rest of the call: the caller's audio still reaches the bot, unprocessed, and nothing
 * is lost but what the failing stage held.
 */
export function createInboundStages(
  specs: readonly StageSpec[],
  deliver: (frame: AudioFrame) => void,
  onFailure: (failure: StageFailure) => void,
): { push(frame: AudioFrame): void; end(): void } {
  const sides = new Map<CallSide, Subject<AudioFrame> | 'bypass'>();
  const open = (side: CallSide): Subject<AudioFrame> | 'bypass' => {
    const input = new Subject<AudioFrame>();
    try {
      input.pipe(stageChain(specs)).subscribe({
        next: deliver,
        error: (error: unknown) => {
          sides.set(side, 'bypass');
          onFailure(error instanceof StageFailure ? error : new StageFailure('?', error));
        },
      });
    } catch (error) {
      onFailure(error instanceof StageFailure ? error : new StageFailure('?', error));
      return 'bypass';
    }
    return input;
  };
  return {
    push(frame) {
      let side = sides.get(frame.channel);
      if (!side) {
        side = open(frame.channel);
        sides.set(frame.channel, side);
      }
      if (side === 'bypass') return deliver(frame);
      side.next(frame);
      // The frame that broke its chain still reaches the bot.
      if (sides.get(frame.channel) === 'bypass') deliver(frame);
    },
    end() {
      for (const side of sides.values()) if (side !== 'bypass') side.complete();
    },
  };
}
