import type { PsrAction } from '@psrkit/protocol';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createPlayoutScheduler,
  type PlaybackEvent,
  type PlaybackOutcome,
} from './playout-scheduler.js';

describe('playout scheduler types', () => {
  it('exposes typed actions, events and outcomes', () => {
    const line = createPlayoutScheduler();
    expectTypeOf(line.actions$).toEqualTypeOf<Observable<PsrAction>>();
    expectTypeOf(line.events$).toEqualTypeOf<Observable<PlaybackEvent>>();
    expectTypeOf(line.play(new Uint8Array()).done).toEqualTypeOf<Promise<PlaybackOutcome>>();
    expectTypeOf<PlaybackOutcome['type']>().toEqualTypeOf<
      'playback-end' | 'playback-interrupted'
    >();
    // @ts-expect-error: a stream needs its sample rate
    line.stream({} as Observable<Int16Array>, {});
  });
});
