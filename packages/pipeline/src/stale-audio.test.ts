import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { PlayoutTiming } from './playout-types.js';
import { StaleAudio } from './stale-audio.js';

/** Moves a virtual clock to `at` ms. */
function clockAt(scheduler: VirtualTimeScheduler, at: number): void {
  scheduler.schedule(() => undefined, at - scheduler.now());
  scheduler.flush();
}

describe('StaleAudio: what the caller still hears of stopped items', () => {
  it('the next item starts after the latest stale audio while it still plays', () => {
    const scheduler = new VirtualTimeScheduler();
    const stale = new StaleAudio(scheduler, undefined);
    expect(stale.startAfter()).toBeUndefined();
    stale.ended(300);
    stale.ended(200);
    stale.ended(undefined);
    expect(stale.startAfter()).toBe(300);
    clockAt(scheduler, 300);
    expect(stale.startAfter()).toBeUndefined();
  });

  it('an interruption reports once how long it took and the stale audio of what it stopped', () => {
    const scheduler = new VirtualTimeScheduler();
    const timings: PlayoutTiming[] = [];
    const stale = new StaleAudio(scheduler, (t) => timings.push(t));
    clockAt(scheduler, 100);
    stale.cut('7', () => {
      stale.ended(250);
      stale.ended(180);
    });
    expect(timings).toEqual([{ type: 'interrupt', id: '7', stopMs: 0, staleMs: 150 }]);
  });

  it('reports nothing when what it stopped had sent nothing, or there was nothing on the line', () => {
    const scheduler = new VirtualTimeScheduler();
    const timings: PlayoutTiming[] = [];
    const stale = new StaleAudio(scheduler, (t) => timings.push(t));
    stale.cut('1', () => stale.ended(undefined));
    stale.cut(undefined, () => stale.ended(500));
    expect(timings).toEqual([]);
    expect(stale.startAfter()).toBe(500);
  });

  it('an interruption inside another is reported on its own, and so is the outer one', () => {
    const scheduler = new VirtualTimeScheduler();
    const timings: PlayoutTiming[] = [];
    const stale = new StaleAudio(scheduler, (t) => timings.push(t));
    stale.cut('outer', () => {
      stale.cut('inner', () => stale.ended(40));
      stale.ended(90);
    });
    expect(timings.map((t) => t.type === 'interrupt' && [t.id, t.staleMs])).toEqual([
      ['inner', 40],
      ['outer', 90],
    ]);
  });
});
