import {
  type AudioFrame,
  type CallSide,
  StageFailure,
  type StageSpec,
  stageChain,
} from '@psrkit/pipeline';
import { Subject } from 'rxjs';

/**
 * Stages a call runs: `inbound` on the caller's audio, per side, before the bot hears it;
 * `outbound` on what the bot says, each file and stream at 8 kHz before it is encoded.
 */
export interface CallStages {
  readonly inbound?: readonly StageSpec[];
  readonly outbound?: readonly StageSpec[];
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
