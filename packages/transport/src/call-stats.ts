import type { PsrAction } from '@psrkit/protocol';
import type { FrameErrorCode } from './errors.js';

/** Running totals of one call, or (on the server) of every call so far. */
export interface CallStats {
  /** Inbound frames and their bytes, valid or not. */
  framesIn: number;
  /** Bytes of those frames. */
  bytesIn: number;
  /** Caller audio received, in samples per side. */
  samplesIn: number;
  /** Refused frames by code. */
  readonly frameErrors: Partial<Record<FrameErrorCode, number>>;
  /** Frames with an `event` this version does not know. */
  unknownEvents: number;
  /** Actions sent, by event, and their bytes. */
  readonly actionsSent: Record<PsrAction['type'], number>;
  /** Bytes of those actions, as sent. */
  bytesOut: number;
  /** Times the pacer waited because the socket's send buffer was over its watermark. */
  backpressureWaits: number;
  /** Playback items stopped by an interruption (barge-in or a preempting item). */
  interruptions: number;
}

export function createCallStats(): CallStats {
  return {
    framesIn: 0,
    bytesIn: 0,
    samplesIn: 0,
    frameErrors: {},
    unknownEvents: 0,
    actionsSent: { media: 0, chunk: 0, transfer: 0, hangup: 0 },
    bytesOut: 0,
    backpressureWaits: 0,
    interruptions: 0,
  };
}

/** Applies one change to a call's stats and the server's totals alike. */
export type StatsUpdate = (stats: CallStats) => void;

export function updateAll(targets: readonly CallStats[], update: StatsUpdate): void {
  for (const stats of targets) update(stats);
}
