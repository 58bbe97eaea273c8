import type { PsrAction } from '@psrkit/protocol';
import { type Observable, Subject } from 'rxjs';
import { createPlayoutLine } from './playout-line.js';
import type { PlayoutLine, PlayoutLineOptions } from './playout-types.js';

/**
 * Options of {@link createPlayoutScheduler}: a line's, and a backpressure check.
 *
 * @deprecated Use {@link PlayoutLineOptions} with a sink (see {@link createPlayoutLine}).
 */
export interface PlayoutSchedulerOptions extends PlayoutLineOptions {
  /** Backpressure: paced chunks wait while it returns false. */
  readonly canSend?: () => boolean;
}

/**
 * A playout line whose actions come out as an Observable rather than through a sink.
 *
 * @deprecated Use {@link PlayoutLine}: a line that sends through a sink.
 */
export interface PlayoutScheduler extends PlayoutLine {
  /** Actions to send to PSR, in order. Hot: subscribe before playing. */
  readonly actions$: Observable<PsrAction>;
}

/**
 * The playout line with its actions as an Observable, as before 0.1.
 *
 * @deprecated Use {@link createPlayoutLine}, which sends through a sink that says whether
 * each action went out. The name also clashed with RxJS's schedulers.
 */
export function createPlayoutScheduler(options: PlayoutSchedulerOptions = {}): PlayoutScheduler {
  const actions = new Subject<PsrAction>();
  const { canSend, ...lineOptions } = options;
  const line = createPlayoutLine(
    {
      send(action) {
        actions.next(action);
        return true;
      },
      writable: canSend ?? (() => true),
    },
    lineOptions,
  );
  return {
    actions$: actions.asObservable(),
    events$: line.events$,
    play: (audio, playOptions) => line.play(audio, playOptions),
    stream: (pcm$, streamOptions) => line.stream(pcm$, streamOptions),
    interrupt: () => line.interrupt(),
    pause: () => line.pause(),
    resume: () => line.resume(),
    get paused() {
      return line.paused;
    },
    get busy() {
      return line.busy;
    },
    close(error) {
      line.close(error);
      actions.complete();
    },
  };
}
