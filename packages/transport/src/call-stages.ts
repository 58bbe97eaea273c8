import {
  type AudioFrame,
  type AudioStagePlugin,
  type CallSide,
  checkStagePlugin,
  type PcmProcessor,
  StageFailure,
  type StageSpec,
  stageChain,
  stageProcessor,
} from '@psrkit/pipeline';
import { Subject } from 'rxjs';

/**
 * Stages a call runs: `inbound` on the caller's audio, per side, before the bot hears it;
 * `outbound` on what the bot says, each file and stream at 8 kHz before it is encoded.
 */
export interface CallStages {
  /** Run on the caller's audio, in order, before the bot hears it. */
  readonly inbound?: readonly StageSpec[];
  /** Run on what the bot says, in order, before it is encoded. */
  readonly outbound?: readonly StageSpec[];
}

/**
 * Runs a call's inbound stages: one chain per side, made when the side's first frame
 * comes. A chain that fails is logged through `onFailure` and replaced by no stages for
 * the rest of the call: the caller's audio still reaches the bot, unprocessed, and nothing
 * is lost but what the failing stage held.
 */
function createInboundStages(
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
          onFailure(asFailure(error));
        },
      });
    } catch (error) {
      onFailure(asFailure(error));
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

const asFailure = (error: unknown): StageFailure =>
  error instanceof StageFailure ? error : new StageFailure('?', error);

/** A call's stages: what it starts with, what its bot adds. */
export interface CallStageState {
  /** A caller frame on its way to the bot: through the inbound stages when there are any. */
  toBot(frame: AudioFrame): void;
  /** Fresh outbound stages for a file or stream (the playout line's `outbound`). */
  outbound(): PcmProcessor | undefined;
  /** Adds stages after the present ones (`Call.addStages`). */
  add(stages: CallStages): void;
  /** The call ended: what the inbound stages held comes out. */
  end(): void;
}

/**
 * The stages of one call. Inbound chains are made per side at the side's first frame;
 * adding inbound stages starts them again with every stage (what the old ones held comes
 * out first). Outbound stages are read per file and stream, so added ones apply to what
 * the bot says next.
 */
export function createCallStageState(
  initial: CallStages,
  deliver: (frame: AudioFrame) => void,
  onInboundFailure: (failure: StageFailure) => void,
): CallStageState {
  const inboundSpecs: StageSpec[] = [...(initial.inbound ?? [])];
  const outboundSpecs: StageSpec[] = [...(initial.outbound ?? [])];
  const open = () =>
    inboundSpecs.length === 0
      ? undefined
      : createInboundStages([...inboundSpecs], deliver, onInboundFailure);
  let inbound = open();
  return {
    toBot: (frame) => (inbound ? inbound.push(frame) : deliver(frame)),
    outbound: () => (outboundSpecs.length > 0 ? stageProcessor(outboundSpecs) : undefined),
    add(stages) {
      for (const { plugin } of [...(stages.inbound ?? []), ...(stages.outbound ?? [])])
        checkStagePlugin(plugin as AudioStagePlugin<never>);
      if (stages.outbound) outboundSpecs.push(...stages.outbound);
      if (stages.inbound?.length) {
        inboundSpecs.push(...stages.inbound);
        inbound?.end();
        inbound = open();
      }
    },
    end: () => inbound?.end(),
  };
}
