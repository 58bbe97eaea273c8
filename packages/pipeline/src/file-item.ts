import { mediaAction, type PcmAudio, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import type { Subscription } from 'rxjs';
import { PipelineError } from './errors.js';
import { PlayoutClock } from './playout-clock.js';
import { type LineContext, type LineItem, playbackMarks } from './playout-item.js';
import type { PlayMode } from './playout-types.js';
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
  const { scheduler } = line;
  const clock = new PlayoutClock(() => scheduler.now());
  let phase: FilePhase = { name: 'queued' };
  let prepared: PsrWav | Error | undefined;
  const marks = playbackMarks(line, () => item, 'file', clock);
  const quality = line.options.resamplerQuality;
  const cancelPreparing = preparePsrWav(
    audio,
    {
      ...(quality && { quality }),
      ...withOutbound(line.options.outbound?.()),
    },
    line.options.prepareAhead,
    (result) => {
      prepared = result;
      if (phase.name === 'waiting') goOut(phase.afterMs);
    },
  );

  /**
   * Sends the file once prepared and once the line's earlier audio has played, with a
   * guard for the network's jitter: the caller's line may run a little behind our clock.
   */
  const goOut = (afterMs: number | undefined): void => {
    if (prepared instanceof Error) {
      fail(prepared);
      return;
    }
    const waitMs = afterMs === undefined ? 0 : afterMs + STALE_GUARD_MS - scheduler.now();
    if (waitMs > 0) {
      phase = {
        name: 'waiting',
        afterMs,
        timer: scheduler.schedule(() => goOut(undefined), waitMs),
      };
      return;
    }
    const wav = prepared!;
    if (!line.sink.send(mediaAction(wav.wav, { isSync: mode === 'queue' }))) {
      end({ type: 'playback-interrupted', id, playedMs: 0, heardMs: 0, reason: 'closed' });
      return;
    }
    clock.commit(wav.durationMs);
    phase = {
      name: 'playing',
      endTimer: scheduler.schedule(
        () => end({ type: 'playback-end', id, playedMs: wav.durationMs }),
        wav.durationMs,
      ),
    };
    marks.start();
  };

  const end = (outcome: Parameters<typeof marks.finish>[0]): void => {
    if (phase.name === 'waiting') phase.timer?.unsubscribe();
    if (phase.name === 'playing') phase.endTimer.unsubscribe();
    phase = { name: 'ended' };
    cancelPreparing();
    marks.finish(outcome);
  };
  const fail = (error: Error): void =>
    end({
      type: 'playback-interrupted',
      id,
      playedMs: 0,
      heardMs: 0,
      reason: 'error',
      error:
        error instanceof PipelineError
          ? error
          : new PipelineError('STAGE_FAILED', error.message, { where: `file ${id}`, cause: error }),
    });

  const item: LineItem = {
    id,
    kind: 'file',
    playedMs: () => clock.playedMs(),
    start(afterMs) {
      if (phase.name !== 'queued') return;
      phase = { name: 'waiting', afterMs };
      if (prepared) goOut(afterMs);
    },
    stop(reason, error, successor) {
      if (phase.name === 'ended') return;
      // PSR has no "stop": a short silent file with is_sync false cuts the one playing,
      // unless the item taking over is itself such a file.
      if (phase.name === 'playing' && reason === 'interrupted' && successor?.kind !== 'file')
        line.sink.send(mediaAction(SILENCE_WAV, { isSync: false }));
      const playedMs = clock.playedMs();
      end({
        type: 'playback-interrupted',
        id,
        playedMs,
        heardMs: playedMs,
        reason,
        ...(error && { error }),
      });
    },
  };
  return item;
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
