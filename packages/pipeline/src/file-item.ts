import { mediaAction, type PcmAudio, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import type { Subscription } from 'rxjs';
import { PipelineError } from './errors.js';
import { PlayoutClock } from './playout-clock.js';
import { type LineContext, type LineItem, playbackMarks } from './playout-item.js';
import type { InterruptReason, PlaybackOutcome, PlayMode } from './playout-types.js';
import { type PsrWav, preparePsrWav, toPsrWav } from './psr-wav.js';
import { withOutbound } from './stage-chain.js';

/**
 * Where a file is on the line. It is prepared (decoded, resampled, packaged) from the
 * moment it is queued, in slices on the work queue; it goes out once it is both
 * prepared and started, and no sooner than the earlier audio the line still plays.
 */
type FilePhase =
  | { readonly name: 'queued' }
  | { readonly name: 'waiting'; readonly afterMs: number | undefined; timer?: Subscription }
  | { readonly name: 'playing'; readonly endTimer: Subscription }
  | { readonly name: 'ended' };

/** A WAV file (or PCM) played as one `media` action. */
export function fileItem(
  line: LineContext,
  audio: Uint8Array | PcmAudio,
  mode: PlayMode,
  id: string,
): LineItem {
  return new FileItem(line, audio, mode, id);
}

/**
 * A file on the line: its phase, its clock and marks, and the file as prepared. A class:
 * the line holds it by identity and calls its methods, and each moment (prepared,
 * started, due, stopped) is one method over the phase.
 */
class FileItem implements LineItem {
  readonly kind = 'file';
  private phase: FilePhase = { name: 'queued' };
  private prepared: PsrWav | Error | undefined;
  private readonly clock: PlayoutClock;
  private readonly marks: ReturnType<typeof playbackMarks>;
  private readonly cancelPreparing: () => void;

  constructor(
    private readonly line: LineContext,
    audio: Uint8Array | PcmAudio,
    private readonly mode: PlayMode,
    readonly id: string,
  ) {
    this.clock = new PlayoutClock(() => line.scheduler.now());
    this.marks = playbackMarks(line, () => this, 'file', this.clock);
    const quality = line.options.resamplerQuality;
    this.cancelPreparing = preparePsrWav(
      audio,
      { ...(quality && { quality }), ...withOutbound(line.options.outbound?.()) },
      line.options.prepareAhead,
      (result) => {
        this.prepared = result;
        if (this.phase.name === 'waiting') this.goOut(this.phase.afterMs);
      },
    );
  }

  playedMs(): number {
    return this.clock.playedMs();
  }

  start(afterMs?: number): void {
    if (this.phase.name !== 'queued') return;
    this.phase = { name: 'waiting', afterMs };
    if (this.prepared) this.goOut(afterMs);
  }

  stop(reason: InterruptReason, error?: Error, successor?: LineItem): void {
    if (this.phase.name === 'ended') return;
    // PSR has no "stop": a short silent file with is_sync false cuts the one playing,
    // unless the item taking over is itself such a file.
    if (this.phase.name === 'playing' && reason === 'interrupted' && successor?.kind !== 'file')
      this.line.sink.send(mediaAction(SILENCE_WAV, { isSync: false }));
    const playedMs = this.clock.playedMs();
    this.end({
      type: 'playback-interrupted',
      id: this.id,
      playedMs,
      heardMs: playedMs,
      reason,
      ...(error && { error }),
    });
  }

  /**
   * Sends the file once prepared and once the line's earlier audio has played, with a
   * guard for the network's jitter: the caller's line may run a little behind our clock.
   */
  private goOut(afterMs: number | undefined): void {
    const { scheduler, sink } = this.line;
    const { id, prepared } = this;
    if (prepared instanceof Error) {
      this.fail(prepared);
      return;
    }
    const waitMs = afterMs === undefined ? 0 : afterMs + STALE_GUARD_MS - scheduler.now();
    if (waitMs > 0) {
      const timer = scheduler.schedule(() => this.goOut(undefined), waitMs);
      this.phase = { name: 'waiting', afterMs, timer };
      return;
    }
    const wav = prepared!;
    if (!sink.send(mediaAction(wav.wav, { isSync: this.mode === 'queue' }))) {
      this.end({ type: 'playback-interrupted', id, playedMs: 0, heardMs: 0, reason: 'closed' });
      return;
    }
    this.clock.commit(wav.durationMs);
    const endTimer = scheduler.schedule(
      () => this.end({ type: 'playback-end', id, playedMs: wav.durationMs }),
      wav.durationMs,
    );
    this.phase = { name: 'playing', endTimer };
    this.marks.start();
  }

  private end(outcome: PlaybackOutcome): void {
    if (this.phase.name === 'waiting') this.phase.timer?.unsubscribe();
    if (this.phase.name === 'playing') this.phase.endTimer.unsubscribe();
    this.phase = { name: 'ended' };
    this.cancelPreparing();
    this.marks.finish(outcome);
  }

  private fail(error: Error): void {
    this.end({
      type: 'playback-interrupted',
      id: this.id,
      playedMs: 0,
      heardMs: 0,
      reason: 'error',
      error:
        error instanceof PipelineError
          ? error
          : new PipelineError('STAGE_FAILED', error.message, {
              where: `file ${this.id}`,
              cause: error,
            }),
    });
  }
}

/**
 * How much longer than our clock says a file waits for stale stream audio, ms: the
 * caller's line starts when the first chunk *arrives*, so it can run behind our clock by
 * that chunk's delay on the network and in PSR.
 */
export const STALE_GUARD_MS = 60;

/** 20 ms of silence: sent with is_sync false to cut a file that is playing. */
const SILENCE_WAV = toPsrWav({
  sampleRate: PSR_SAMPLE_RATE,
  channels: 1,
  samples: new Int16Array(160),
}).wav;
