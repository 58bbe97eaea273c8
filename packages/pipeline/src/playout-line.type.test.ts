import type { PsrAction } from '@psrkit/protocol';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { createPlayoutLine } from './playout-line.js';
import { createPlayoutScheduler } from './playout-scheduler.js';
import type { PlaybackEvent, PlaybackOutcome, PlayoutSink } from './playout-types.js';

describe('playout line types', () => {
  it('exposes typed events and outcomes, and takes a sink', () => {
    const sink: PlayoutSink = { send: () => true, writable: () => true };
    const line = createPlayoutLine(sink);
    expectTypeOf(line.events$).toEqualTypeOf<Observable<PlaybackEvent>>();
    expectTypeOf(line.play(new Uint8Array()).done).toEqualTypeOf<Promise<PlaybackOutcome>>();
    expectTypeOf<PlaybackOutcome['type']>().toEqualTypeOf<
      'playback-end' | 'playback-interrupted'
    >();
    expectTypeOf(sink.send).returns.toEqualTypeOf<boolean>();
    // @ts-expect-error: a stream needs its sample rate
    line.stream({} as Observable<Int16Array>, {});
    // The deprecated name still gives actions as an Observable.
    expectTypeOf(createPlayoutScheduler().actions$).toEqualTypeOf<Observable<PsrAction>>();
  });
});
