import { PcmFifo } from './pcm-fifo.js';
import type { Resampler } from './resampler.js';
import type { PcmProcessor } from './stage-chain.js';

/**
 * Where a stream's source is: `open` (pieces may still come), `ended` (the source has
 * given everything, the resampler's and the stages' tails are still to come out) or
 * `tail-in` (everything is at 8 kHz or on its way through `fill`).
 */
export type IntakePhase = 'open' | 'ended' | 'tail-in';

/**
 * A stream's audio on its way to 8 kHz: source pieces wait at the source's rate and are
 * resampled, and run through the outbound stages, only as chunks need them (`fill`). A
 * class: the two queues and the phase are its state, changed by push, end and fill.
 */
export class PcmIntake {
  /** At 8 kHz, not yet encoded or taken. */
  readonly pcm = new PcmFifo();
  /** Source pieces, at the source's rate. */
  private readonly input = new PcmFifo();
  private phase: IntakePhase = 'open';

  constructor(
    private readonly resampler: Resampler | undefined,
    private readonly outbound: PcmProcessor | undefined,
  ) {}

  /** A source piece (not copied: it must not change afterwards). */
  push(piece: Int16Array): void {
    this.input.push(piece);
  }

  /** The source has given everything. */
  end(): void {
    if (this.phase !== 'open') return;
    // Without a resampler or stages, there is no tail to wait for.
    this.phase = this.resampler === undefined && this.outbound === undefined ? 'tail-in' : 'ended';
  }

  /** True once the source ended and all of it is at 8 kHz. */
  get allIn(): boolean {
    return this.phase === 'tail-in' && this.input.length === 0;
  }

  /** Resamples source pieces until `count` samples wait at 8 kHz, or the source runs out. */
  fill(count: number): void {
    const { pcm, resampler, outbound } = this;
    while (pcm.length < count) {
      const piece = this.input.takePiece();
      if (piece) this.toPcm(resampler ? resampler.push(piece) : piece);
      else if (this.phase === 'ended') {
        this.phase = 'tail-in';
        if (resampler) this.toPcm(resampler.flush());
        if (outbound) for (const out of outbound.end()) pcm.push(out);
      } else return;
    }
  }

  /** Drops everything queued. */
  clear(): void {
    this.input.clear();
    this.pcm.clear();
  }

  /** 8 kHz audio in, through the outbound stages when there are any. */
  private toPcm(samples: Int16Array): void {
    if (!this.outbound) return void this.pcm.push(samples);
    for (const out of this.outbound.push(samples)) this.pcm.push(out);
  }
}
