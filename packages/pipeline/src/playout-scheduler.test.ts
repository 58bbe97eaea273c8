import { decodeWav, encodeWav, type PsrAction } from '@psrkit/protocol';
import { finalize, Observable, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { lameJsBackend, type Mp3EncoderBackendFactory } from './mp3-encoder.js';
import { splitMp3Frames } from './mp3-frame-header.js';
import {
  createPlayoutScheduler,
  type PlaybackEvent,
  type PlayoutSchedulerOptions,
  type PlayoutTiming,
} from './playout-scheduler.js';
import { speechLike, tone } from './test-signals.js';
import { createWorkQueue, type WorkQueue } from './work-queue.js';

interface Logged {
  at: number;
  action?: PsrAction;
  event?: PlaybackEvent;
}

/** Runs `script` against a playout line in virtual time; returns what it sent and emitted. */
function record(
  options: PlayoutSchedulerOptions | ((scheduler: TestScheduler) => PlayoutSchedulerOptions),
  script: (line: ReturnType<typeof createPlayoutScheduler>, scheduler: TestScheduler) => void,
  untilMs = 20_000,
): Logged[] {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  const log: Logged[] = [];
  scheduler.run(() => {
    const line = createPlayoutScheduler({
      scheduler,
      progressIntervalMs: 0,
      ...(typeof options === 'function' ? options(scheduler) : options),
    });
    line.actions$.subscribe((action) => log.push({ at: scheduler.now(), action }));
    line.events$.subscribe((event) => log.push({ at: scheduler.now(), event }));
    script(line, scheduler);
    scheduler.schedule(() => line.close(), untilMs);
  });
  return log;
}

const wav8k = (ms: number): Uint8Array =>
  encodeWav({ sampleRate: 8000, channels: 1, samples: tone(8000, 440, ms / 1000, 8000) });
const events = (log: Logged[]) =>
  log.filter((l) => l.event).map((l) => ({ at: l.at, ...l.event! }));
const actions = (log: Logged[]) =>
  log.filter((l) => l.action).map((l) => ({ at: l.at, ...l.action! }));
/** PCM pieces of 20 ms at `rate`, all available at once. */
const pcmOf = (samples: Int16Array, rate: number): Observable<Int16Array> =>
  new Observable((subscriber) => {
    const piece = rate / 50;
    for (let at = 0; at < samples.length; at += piece)
      subscriber.next(samples.subarray(at, at + piece));
    subscriber.complete();
  });

describe('createPlayoutScheduler', () => {
  it('queue mode: a file, then a stream once the file has played out; marks exactly once each', () => {
    const log = record({ leadMs: 200 }, (line) => {
      line.play(wav8k(500));
      line.stream(pcmOf(speechLike(24000, 1), 24000), { sampleRate: 24000 });
    });
    const sent = actions(log);
    expect(sent[0]).toMatchObject({ at: 0, type: 'media', isSync: true });
    expect(
      decodeWav(sent[0]!.type === 'media' ? sent[0]!.payload : new Uint8Array()),
    ).toMatchObject({ sampleRate: 8000, channels: 1, frames: 4000 });
    const chunks = sent.filter((a) => a.type === 'chunk');
    expect(chunks[0]!.at).toBe(500);
    for (const chunk of chunks)
      if (chunk.type === 'chunk') expect(splitMp3Frames(chunk.payload).rest).toBe(0);
    // 1 s of speech at 72 ms a frame, plus encoder delay, in 2-frame chunks; paced: the last goes out
    // no earlier than (its start − lead) after the stream began.
    const totalMs = Math.ceil((8000 + 1105) / 576) * 72;
    expect(chunks.at(-1)!.at).toBeGreaterThanOrEqual(500 + totalMs - 144 - 200);
    expect(events(log).map((e) => `${e.type}@${e.at}`)).toEqual([
      'playback-start@0',
      'playback-end@500',
      'playback-start@500',
      `playback-end@${500 + totalMs}`,
    ]);
  });

  it('interrupt mode: stops the stream at once, unsubscribes its source, ends with a fade, then plays', () => {
    let sourceClosed = -1;
    const log = record({ leadMs: 200 }, (line, scheduler) => {
      const talk = new Subject<Int16Array>();
      const reply = line.stream(talk.pipe(finalize(() => (sourceClosed = scheduler.now()))), {
        sampleRate: 8000,
      });
      const speech = speechLike(8000, 3);
      talk.next(speech); // TTS delivered everything at once; the source stays open
      scheduler.schedule(() => line.play(wav8k(300), { mode: 'interrupt' }), 1000);
      void reply;
    });
    expect(sourceClosed).toBe(1000);
    const sent = actions(log);
    const before = sent.filter((a) => a.at < 1000);
    const at1000 = sent.filter((a) => a.at === 1000);
    expect(before.every((a) => a.type === 'chunk')).toBe(true);
    // At the interrupt: one tail chunk (fade, encoder flushed), then the new file cutting in.
    expect(at1000.map((a) => a.type)).toEqual(['chunk', 'media']);
    expect(at1000[1]).toMatchObject({ isSync: false });
    expect(sent.filter((a) => a.at > 1000)).toEqual([]);
    const interrupted = events(log).find((e) => e.type === 'playback-interrupted');
    expect(interrupted).toMatchObject({ at: 1000, reason: 'interrupted' });
    if (interrupted?.type !== 'playback-interrupted') throw new Error('no interruption');
    expect(interrupted.playedMs).toBe(1000);
    // Heard in all: what was played, the lead (≤ 200 ms + one chunk), the encoder's held audio and the fade.
    expect(interrupted.heardMs - interrupted.playedMs).toBeLessThanOrEqual(200 + 144 + 216 + 72);
    expect(
      events(log)
        .filter((e) => e.type === 'playback-interrupted' || e.type === 'playback-end')
        .map((e) => e.type),
    ).toEqual(['playback-interrupted', 'playback-end']);
  });

  it('pcm16 chunks are whole 20 ms frames; an interruption adds only a 20 ms fade', () => {
    const speech = speechLike(8000, 2);
    const log = record({ leadMs: 100, format: 'pcm16' }, (line, scheduler) => {
      const handle = line.stream(pcmOf(speech, 8000), { sampleRate: 8000 });
      scheduler.schedule(() => handle.interrupt(), 500);
    });
    const chunks = actions(log).filter((a) => a.type === 'chunk');
    for (const chunk of chunks)
      if (chunk.type === 'chunk') {
        expect(chunk.format).toBe('pcm16');
        expect(chunk.payload.length).toBe(320);
      }
    const sentBefore = chunks.filter((c) => c.at < 500).length;
    // Sent by 500 ms: 500 ms played + ≤ 100 ms lead + one 20 ms chunk.
    expect(sentBefore * 20).toBeLessThanOrEqual(620);
    const tail = chunks.filter((c) => c.at === 500);
    expect(tail).toHaveLength(1);
    const interrupted = events(log).find((e) => e.type === 'playback-interrupted');
    expect(interrupted).toMatchObject({ playedMs: 500, heardMs: sentBefore * 20 + 20 });
    // The fade really fades: the last tail sample is (near) silent.
    const last =
      tail[0]!.type === 'chunk' ? new Int16Array(tail[0]!.payload.slice().buffer).at(-1)! : 1e9;
    expect(Math.abs(last)).toBeLessThan(200);
  });

  it('an upstream error ends the item once with reason "error", and the line goes on', () => {
    const log = record({}, (line, scheduler) => {
      const failing = new Subject<Int16Array>();
      const first = line.stream(failing, { sampleRate: 8000, format: 'pcm16' });
      line.play(wav8k(100));
      failing.next(new Int16Array(1600));
      scheduler.schedule(() => failing.error(new Error('TTS failed')), 50);
      void first;
    });
    const ends = events(log).filter(
      (e) => e.type === 'playback-interrupted' || e.type === 'playback-end',
    );
    expect(ends.map((e) => [e.type, e.id, e.at])).toEqual([
      ['playback-interrupted', '1', 50],
      ['playback-end', '2', 150],
    ]);
    expect(ends[0]).toMatchObject({
      reason: 'error',
      error: expect.objectContaining({ message: 'TTS failed' }),
    });
  });

  it('interrupting a playing file sends a short silent file that cuts it; queued items are dropped', () => {
    const log = record({}, (line, scheduler) => {
      line.play(wav8k(1000));
      const queued = line.stream(pcmOf(tone(8000, 300, 1), 8000), { sampleRate: 8000 });
      scheduler.schedule(() => line.interrupt(), 400);
      void queued;
    });
    const sent = actions(log);
    expect(sent.map((a) => [a.type, a.at, a.type === 'media' && a.isSync])).toEqual([
      ['media', 0, true],
      ['media', 400, false],
    ]);
    expect(
      events(log)
        .filter((e) => e.type === 'playback-interrupted')
        .map((e) => [e.id, e.type === 'playback-interrupted' && e.playedMs]),
    ).toEqual([
      ['2', 0],
      ['1', 400],
    ]);
  });

  it('close ends everything with reason "closed", sends nothing more and completes', () => {
    const scheduler = new TestScheduler(() => undefined);
    const outcomes: string[] = [];
    let completed = 0;
    scheduler.run(() => {
      const line = createPlayoutScheduler({ scheduler });
      line.actions$.subscribe({ complete: () => completed++ });
      line.events$.subscribe({ complete: () => completed++ });
      const a = line.stream(pcmOf(tone(8000, 300, 2), 8000), { sampleRate: 8000 });
      const b = line.play(wav8k(100));
      a.done.then((o) =>
        outcomes.push(`${o.type}:${o.type === 'playback-interrupted' ? o.reason : ''}`),
      );
      b.done.then((o) =>
        outcomes.push(`${o.type}:${o.type === 'playback-interrupted' ? o.reason : ''}`),
      );
      scheduler.schedule(() => line.close(), 300);
    });
    return Promise.resolve().then(() => {
      expect(outcomes.sort()).toEqual([
        'playback-interrupted:closed',
        'playback-interrupted:closed',
      ]);
      expect(completed).toBe(2);
    });
  });

  it('close(error) ends every item once with reason "error" and that error, sending nothing', () => {
    const scheduler = new TestScheduler(() => undefined);
    const failure = new Error('bot failed');
    const outcomes: PlaybackEvent[] = [];
    let sentAfterClose = 0;
    scheduler.run(() => {
      const line = createPlayoutScheduler({ scheduler, progressIntervalMs: 0 });
      let closedAt: number | undefined;
      line.actions$.subscribe(() => {
        if (closedAt !== undefined) sentAfterClose++;
      });
      line.events$.subscribe((event) => {
        if (event.type === 'playback-interrupted' || event.type === 'playback-end')
          outcomes.push(event);
      });
      line.stream(pcmOf(tone(8000, 300, 2), 8000), { sampleRate: 8000 });
      line.play(wav8k(100));
      scheduler.schedule(() => {
        closedAt = scheduler.now();
        line.close(failure);
      }, 300);
    });
    expect(outcomes.map((o) => o.type === 'playback-interrupted' && [o.reason, o.error])).toEqual([
      ['error', failure],
      ['error', failure],
    ]);
    expect(sentAfterClose).toBe(0);
  });

  it('emits progress marks while playing', () => {
    const log = record({ progressIntervalMs: 100 }, (line) => {
      line.play(wav8k(350));
    });
    expect(
      events(log)
        .filter((e) => e.type === 'playback-progress')
        .map((e) => e.type === 'playback-progress' && e.playedMs),
    ).toEqual([100, 200, 300]);
  });

  it('reports first-chunk latency on an idle line and the stale audio left by an interruption', () => {
    const timings: PlayoutTiming[] = [];
    const log = record({ leadMs: 400, onTiming: (t) => timings.push(t) }, (line, scheduler) => {
      // A real-time source: one 20 ms piece at 24 kHz every 20 ms.
      const speech = speechLike(24000, 3);
      const live = new Observable<Int16Array>((subscriber) =>
        scheduler.schedule<number>(
          function piece(at = 0) {
            subscriber.next(speech.subarray(at, at + 480));
            if (at + 480 < speech.length) this.schedule(at + 480, 20);
            else subscriber.complete();
          },
          0,
          0,
        ),
      );
      const first = line.stream(live, { sampleRate: 24000 });
      line.stream(pcmOf(speechLike(24000, 1), 24000), { sampleRate: 24000 });
      scheduler.schedule(() => first.interrupt(), 1000);
    });
    const firstChunks = timings.filter((t) => t.type === 'first-chunk');
    // The live stream waited for two 72 ms MP3 frames of audio plus the encoder's delay, at
    // real time; processing takes no virtual time. The queued one did not start on an idle
    // line (the cut one's audio still plays), so it is not timed.
    expect(firstChunks).toEqual([
      { type: 'first-chunk', id: '1', processingMs: 0, sinceFirstPcmMs: expect.any(Number) },
    ]);
    const wait = (firstChunks[0] as { sinceFirstPcmMs: number }).sinceFirstPcmMs;
    expect(wait).toBeGreaterThanOrEqual(144);
    expect(wait).toBeLessThanOrEqual(144 + 138 + 20);
    const cuts = timings.filter((t) => t.type === 'interrupt');
    expect(cuts).toEqual([{ type: 'interrupt', id: '1', stopMs: 0, staleMs: expect.any(Number) }]);
    const stale = (cuts[0] as { staleMs: number }).staleMs;
    // What the caller still hears: at most the lead plus the fade (silent padding aside).
    expect(stale).toBeGreaterThan(400 - 144);
    expect(stale).toBeLessThanOrEqual(400 + 20);
    // The next stream is heard once that has played (its padding too), not over it.
    const next = events(log).find((e) => e.type === 'playback-start' && e.id === '2')!;
    expect(next.at).toBeGreaterThanOrEqual(1000 + stale - 20);
    expect(next.at).toBeLessThanOrEqual(1000 + stale + 2 * 72);
  });

  it('prepareAhead + encodeAhead: chunks are made on the work queue after each send, not when due; output unchanged', () => {
    const speech = speechLike(24000, 2);
    let inJob = false;
    let sends = 0;
    let encodesInJobs = 0;
    const sendsWithEncoding = new Set<number>(); // sends whose chunk was encoded on the send path
    const counting: Mp3EncoderBackendFactory = (o) => {
      const backend = lameJsBackend(o);
      return {
        ...backend,
        encode(samples) {
          if (inJob) encodesInJobs++;
          else sendsWithEncoding.add(sends);
          return backend.encode(samples);
        },
      };
    };
    const workOn = (scheduler: TestScheduler): WorkQueue => {
      const queue = createWorkQueue({
        now: () => scheduler.now(),
        defer: (slice) => scheduler.schedule(slice),
      });
      return {
        ...queue,
        add: (job) =>
          queue.add(() => {
            inJob = true;
            job();
            inJob = false;
          }),
      };
    };
    const play = (line: ReturnType<typeof createPlayoutScheduler>) => {
      line.actions$.subscribe(() => sends++);
      line.stream(pcmOf(speech, 24000), { sampleRate: 24000 });
    };
    const plain = actions(record({ leadMs: 400 }, play));
    sends = 0;
    const ahead = actions(
      record(
        (scheduler) => ({
          leadMs: 400,
          mp3Backend: counting,
          prepareAhead: workOn(scheduler),
          encodeAhead: true,
        }),
        play,
      ),
    );
    // The same chunks at the same times.
    expect(ahead).toEqual(plain);
    // Only the chunks that filled the lead while the source gave its audio were encoded
    // on the send path; every later one was ready before it was due.
    expect(encodesInJobs).toBeGreaterThan(20);
    expect(sendsWithEncoding.size).toBeGreaterThan(0);
    expect(Math.max(...sendsWithEncoding)).toBeLessThanOrEqual(3);
    // Without encodeAhead only the resampling is done ahead: nothing more is encoded (and
    // so committed to the caller) before it is due.
    const encodedBefore = encodesInJobs;
    const resampledAhead = actions(
      record(
        (scheduler) => ({ leadMs: 400, mp3Backend: counting, prepareAhead: workOn(scheduler) }),
        play,
      ),
    );
    expect(resampledAhead).toEqual(plain);
    expect(encodesInJobs).toBe(encodedBefore);
  });

  it('rejects bad options with typed errors', () => {
    expect(() => createPlayoutScheduler({ pcmChunkMs: 30 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => createPlayoutScheduler({ leadMs: -1 })).toThrow(
      expect.objectContaining({ where: 'playout.leadMs' }),
    );
  });
});

describe('streams queued back to back', () => {
  /** Simulates PSR's line: returns the gaps (ms) between audio of successive chunks. */
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
      const log = record({ leadMs: 400, format }, (line, scheduler) => {
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
        .map((a) => ({
          at: a.at,
          ms:
            a.type === 'chunk'
              ? format === 'mp3'
                ? splitMp3Frames(a.payload).frames.length * 72
                : a.payload.length / 16
              : 0,
        }));
      expect(lineGaps(chunks)).toEqual([]);
      // Marks: each stream starts exactly when the one before ends.
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
    const log = record({ leadMs: 400 }, (line, scheduler) => {
      line.stream(pcmOf(speechLike(8000, 1, 0.5), 8000), { sampleRate: 8000 });
      const second = line.stream(pcmOf(speechLike(8000, 2, 3), 8000), { sampleRate: 8000 });
      void second;
      scheduler.schedule(() => line.interrupt(), 700);
    });
    const outcomes = events(log).filter(
      (e) => e.type === 'playback-end' || e.type === 'playback-interrupted',
    );
    // The first was still playing (its last audio on the line), the second already continuing it.
    expect(outcomes.map((e) => `${e.type}:${e.id}`).sort()).toEqual([
      'playback-interrupted:1',
      'playback-interrupted:2',
    ]);
    expect(actions(log).filter((a) => a.at > 700)).toEqual([]);
  });
});
