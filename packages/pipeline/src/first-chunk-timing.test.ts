import { describe, expect, it } from 'vitest';
import { FirstChunkTiming } from './first-chunk-timing.js';
import type { PlayoutTiming } from './playout-types.js';

describe('FirstChunkTiming', () => {
  it('reports the first chunk of a stream started on an idle line once: from its first piece and from the last one', () => {
    let now = 0;
    const reports: PlayoutTiming[] = [];
    const timing = new FirstChunkTiming(
      's1',
      (t) => reports.push(t),
      () => now,
    );
    timing.arm(true);
    now = 10;
    timing.piece(false);
    now = 50;
    timing.piece(false);
    now = 53;
    timing.sent();
    now = 60;
    timing.piece(true);
    timing.sent();
    expect(reports).toEqual([
      { type: 'first-chunk', id: 's1', sinceFirstPcmMs: 43, processingMs: 3 },
    ]);
  });

  it('measures nothing for a stream that waits for earlier audio, or when no one listens', () => {
    const reports: PlayoutTiming[] = [];
    const waiting = new FirstChunkTiming(
      's1',
      (t) => reports.push(t),
      () => 0,
    );
    waiting.arm(false);
    waiting.piece(false);
    waiting.sent();
    const unheard = new FirstChunkTiming('s2', undefined, () => 0);
    unheard.arm(true);
    unheard.piece(false);
    unheard.sent();
    expect(reports).toEqual([]);
  });
});
