import { Observable, of, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  actions,
  chunkMs,
  events,
  FRAME_MS,
  outcomes,
  pcmOf,
  record,
} from './__fixtures__/virtual-line.js';
import { lameJsBackend, type Mp3EncoderBackendFactory } from './mp3-encoder.js';
import { DEFAULT_LEAD_MS } from './pacer.js';
import { speechLike } from './test-signals.js';

/** Every stream item ends once: exactly one outcome per id, and nothing sent after it. */
function expectEndedOnce(log: ReturnType<typeof record>) {
  const ids = outcomes(log).map((o) => o.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const outcome of outcomes(log)) {
    const starts = events(log).filter((e) => e.type === 'playback-start' && e.id === outcome.id);
    expect(starts.length).toBeLessThanOrEqual(1);
  }
}

describe('a stream item, interrupted in each of its states', () => {
  it('queued: ends at once with nothing heard, never starts', () => {
    const log = record({}, (line, scheduler) => {
      line.stream(pcmOf(speechLike(8000, 2), 8000), { sampleRate: 8000 });
      const queued = line.stream(pcmOf(speechLike(8000, 1), 8000), { sampleRate: 8000 });
      scheduler.schedule(() => queued.interrupt(), 100);
    });
    expectEndedOnce(log);
    expect(outcomes(log)[0]).toMatchObject({
      id: '2',
      at: 100,
      type: 'playback-interrupted',
      playedMs: 0,
      heardMs: 0,
    });
    expect(events(log).some((e) => e.type === 'playback-start' && e.id === '2')).toBe(false);
  });

  it('waiting (started, its source has not given a frame yet): nothing was sent, nothing stale', () => {
    let unsubscribed = false;
    const log = record({}, (line, scheduler) => {
      const silentSource = new Observable<Int16Array>(() => () => {
        unsubscribed = true;
      });
      const waiting = line.stream(silentSource, { sampleRate: 8000 });
      line.stream(pcmOf(speechLike(8000, 0.5), 8000), { sampleRate: 8000 });
      scheduler.schedule(() => waiting.interrupt(), 300);
    });
    expectEndedOnce(log);
    expect(unsubscribed).toBe(true);
    expect(outcomes(log)[0]).toMatchObject({ id: '1', at: 300, heardMs: 0, reason: 'interrupted' });
    // The next stream starts at once: there is no stale audio to wait for.
    expect(actions(log)[0]!.at).toBe(300);
  });

  it('playing: stops on a frame boundary; the stale audio is what was sent ahead', () => {
    const log = record({}, (line, scheduler) => {
      const playing = line.stream(pcmOf(speechLike(8000, 3), 8000), { sampleRate: 8000 });
      scheduler.schedule(() => playing.interrupt(), 500);
    });
    expectEndedOnce(log);
    const [outcome] = outcomes(log);
    if (outcome?.type !== 'playback-interrupted') throw new Error('not interrupted');
    const sentMs = actions(log).reduce((ms, a) => ms + chunkMs(a), 0);
    expect(outcome.heardMs).toBe(sentMs);
    expect(outcome.heardMs - outcome.playedMs).toBeLessThanOrEqual(DEFAULT_LEAD_MS);
    expect(actions(log).every((a) => a.at <= 500)).toBe(true);
  });

  it('draining (all sent, still playing out): ends at once; what follows waits for that audio', () => {
    const log = record({}, (line, scheduler) => {
      const short = line.stream(pcmOf(speechLike(8000, 0.3), 8000), { sampleRate: 8000 });
      // Everything is sent by ~250 ms; the audio plays until ~430 ms.
      scheduler.schedule(() => {
        short.interrupt();
        line.stream(pcmOf(speechLike(8000, 0.3), 8000), { sampleRate: 8000 });
      }, 300);
    });
    expectEndedOnce(log);
    const [first] = outcomes(log);
    if (first?.type !== 'playback-interrupted') throw new Error('not interrupted');
    const sentMs = actions(log)
      .filter((a) => a.at < 300)
      .reduce((ms, a) => ms + chunkMs(a), 0);
    expect(first.heardMs).toBe(sentMs);
    const secondStart = events(log).find((e) => e.type === 'playback-start' && e.id === '2')!;
    expect(secondStart.at).toBe(sentMs); // the first's audio ran from 0 to sentMs
  });

  it('a stream whose source errors ends once with reason "error" and its error', () => {
    const log = record({}, (line, scheduler) => {
      const failing = new Subject<Int16Array>();
      line.stream(failing, { sampleRate: 8000 });
      failing.next(speechLike(8000, 1));
      scheduler.schedule(() => failing.error(new Error('TTS failed')), 120);
    });
    expectEndedOnce(log);
    expect(outcomes(log)).toEqual([
      expect.objectContaining({
        at: 120,
        reason: 'error',
        error: expect.objectContaining({ message: 'TTS failed' }),
      }),
    ]);
  });

  it('an encoder that throws ends only its stream, with a typed error', () => {
    const broken: Mp3EncoderBackendFactory = (o) => {
      const backend = lameJsBackend(o);
      let calls = 0;
      return {
        ...backend,
        encode(samples) {
          if (++calls > 3) throw new Error('encoder crashed');
          return backend.encode(samples);
        },
      };
    };
    const log = record({ mp3Backend: broken }, (line) => {
      line.stream(of(speechLike(8000, 2)), { sampleRate: 8000 });
    });
    expectEndedOnce(log);
    expect(outcomes(log)).toEqual([
      expect.objectContaining({
        reason: 'error',
        error: expect.objectContaining({ message: 'encoder crashed' }),
      }),
    ]);
  });
});

describe('streams queued back to back', () => {
  /** PSR's line: the gaps (ms) between the audio of successive chunks. */
  const lineGaps = (chunks: { at: number; ms: number }[]) => {
    let end = 0;
    const gaps: number[] = [];
    for (const [i, chunk] of chunks.entries()) {
      if (i > 0 && chunk.at > end) gaps.push(chunk.at - end);
      end = Math.max(end, chunk.at) + chunk.ms;
    }
    return gaps;
  };

  for (const format of ['mp3', 'pcm16'] as const) {
    it(`${format}: the next stream is sent while the first still plays, so the line never runs dry`, () => {
      let encoders = 0;
      const counting: Mp3EncoderBackendFactory = (o) => {
        encoders++;
        return lameJsBackend(o);
      };
      const log = record({ format, mp3Backend: counting }, (line, scheduler) => {
        // Sentence by sentence, as a bot streaming TTS does; each source is a little slow to start.
        const late = (samples: Int16Array) =>
          new Observable<Int16Array>((subscriber) => {
            const timer = scheduler.schedule(() => {
              subscriber.next(samples);
              subscriber.complete();
            }, 15);
            return () => timer.unsubscribe();
          });
        line.stream(late(speechLike(8000, 1)), { sampleRate: 8000 });
        line.stream(late(speechLike(8000, 2)), { sampleRate: 8000 });
        line.stream(late(speechLike(8000, 3)), { sampleRate: 8000 });
      });
      const chunks = actions(log)
        .filter((a) => a.type === 'chunk')
        .map((a) => ({ at: a.at, ms: chunkMs(a) }));
      expect(lineGaps(chunks)).toEqual([]);
      if (format === 'mp3') expect(encoders).toBe(1); // one MP3 stream, handed over
      // Marks: each stream starts exactly when the one before ends, and after its end mark.
      const marks = events(log).map((e) => `${e.type}:${e.id}@${e.at}`);
      const ends = events(log).filter((e) => e.type === 'playback-end');
      const starts = events(log).filter((e) => e.type === 'playback-start');
      expect(ends).toHaveLength(3);
      expect(starts[1]!.at).toBe(ends[0]!.at);
      expect(starts[2]!.at).toBe(ends[1]!.at);
      expect(marks.indexOf(`playback-end:1@${ends[0]!.at}`)).toBeLessThan(
        marks.indexOf(`playback-start:2@${starts[1]!.at}`),
      );
    });
  }

  it('an interruption stops both the playing stream and the one already continuing it', () => {
    const log = record({}, (line, scheduler) => {
      line.stream(pcmOf(speechLike(8000, 0.5, 1), 8000), { sampleRate: 8000 });
      line.stream(pcmOf(speechLike(8000, 3, 2), 8000), { sampleRate: 8000 });
      // The first stream's own frames (its tail goes on in the second's) play until ~360 ms.
      scheduler.schedule(() => line.interrupt(), 250);
    });
    expect(
      outcomes(log)
        .map((e) => `${e.type}:${e.id}`)
        .sort(),
    ).toEqual(['playback-interrupted:1', 'playback-interrupted:2']);
    expect(actions(log).filter((a) => a.at > 250)).toEqual([]);
    // Nothing more than the lead (and one frame) was sent ahead at the cut.
    const sentMs = actions(log).reduce((ms, a) => ms + chunkMs(a), 0);
    expect(sentMs - 250).toBeLessThanOrEqual(DEFAULT_LEAD_MS + FRAME_MS);
  });
});
