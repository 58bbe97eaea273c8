import { type PlaybackEvent, StageFailure } from '@psrkit/pipeline';
import type { StatsUpdate } from './call-stats.js';
import type { CallEvent } from './call-types.js';
import type { TransportLogger } from './logger.js';

/** Where a call reports what its playout line did. */
export interface PlayoutReportPorts {
  readonly count: (update: StatsUpdate) => void;
  readonly emit: (event: CallEvent) => void;
  readonly logger: TransportLogger;
}

/**
 * One event of the playout line, as the call reports it: passed on as a call event,
 * interruptions counted, and an outbound stage's failure logged and reported as
 * `stage-failed` after the item's own `playback-interrupted`.
 */
export function reportPlayoutEvent(event: PlaybackEvent, to: PlayoutReportPorts): void {
  if (event.type === 'playback-interrupted' && event.reason === 'interrupted')
    to.count((s) => s.interruptions++);
  to.emit(event);
  if (event.type === 'playback-interrupted' && event.error instanceof StageFailure) {
    to.logger.error(
      { err: event.error, plugin: event.error.plugin, playback: event.id },
      'outbound stage failed: that file or stream ended',
    );
    to.emit({ type: 'stage-failed', chain: 'outbound', error: event.error });
  }
}
