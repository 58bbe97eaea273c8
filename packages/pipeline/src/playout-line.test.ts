import { decodeWav, encodeWav } from '@psrkit/protocol';
import { finalize, Observable, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  actions,
  chunkMs,
  events,
  FRAME_MS,
  outcomes,
  pcmOf,
  record,
  virtualWorkQueue,
  wav8k,
} from './__fixtures__/virtual-line.js';
import { STALE_GUARD_MS } from './file-item.js';
import { lameJsBackend, type Mp3EncoderBackendFactory } from './mp3-encoder.js';
import { splitMp3Frames } from './mp3-frame-header.js';
import { DEFAULT_LEAD_MS } from './pacer.js';
import { createPlayoutLine } from './playout-line.js';
import type { PlayoutLine, PlayoutTiming } from './playout-types.js';
import { speechLike, tone } from './test-signals.js';

describe('createPlayoutLine (virtual time)', () => {
  it('queue mode: a file, then a stream once the file has played out; marks exactly once each', () => {
    const log = record({}, (line) => {
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
    // One whole frame per chunk (the default).
    for (const chunk of chunks)
      if (chunk.type === 'chunk') {
        expect(splitMp3Frames(chunk.payload)).toMatchObject({
          rest: 0,
          frames: [expect.anything()],
        });
      }
    // The stream ends when all its frames (counted from their headers) have played.
    const totalMs = chunks.reduce((ms, c) => ms + chunkMs(c), 0);
    expect(totalMs).toBeGreaterThanOrEqual(1000);
    expect(events(log).map((e) => `${e.type}@${e.at}`)).toEqual([
      'playback-start@0',
      'playback-end@500',
      'playback-start@500',
      `playback-end@${500 + totalMs}`,
    ]);
  });

  it('sends at most the lead ahead, and fills it at once: the second chunk goes out before the first has played', () => {
    const log = record({ leadMs: 200 }, (line) => {
      line.stream(pcmOf(speechLike(8000, 1, 2), 8000), { sampleRate: 8000 });
    });
    const chunks = actions(log).filter((a) => a.type === 'chunk');
    // Two 72 ms frames at once (a third would pass 200 ms), then one whenever 128 ms are left.
    expect(chunks.slice(0, 3).map((c) => c.at)).toEqual([0, 0, 2 * FRAME_MS - 128]);
    let end = 0;
    for (const chunk of chunks) {
      const ahead = Math.max(0, end - chunk.at);
      expect(ahead + FRAME_MS).toBeLessThanOrEqual(200 + (chunk.at === 0 ? FRAME_MS : 0));
      if (chunk.at > 0 && chunk !== chunks.at(-1)) expect(ahead).toBeGreaterThanOrEqual(128);
      end = Math.max(end, chunk.at) + chunkMs(chunk);
    }
  });

  it('a source that gives its audio in bursts (a TTS) plays without a gap from its first chunk', () => {
    const log = record({}, (line, scheduler) => {
      const speech = speechLike(24000, 4);
      const bursts = new Observable<Int16Array>((subscriber) => {
        // 1 s of audio every 400 ms, the first after 30 ms.
        let at = 0;
        const next = () => {
          subscriber.next(speech.subarray(at, at + 24000));
          at += 24000;
          if (at < speech.length) scheduler.schedule(next, 400);
          else subscriber.complete();
        };
        scheduler.schedule(next, 30);
      });
      line.stream(bursts, { sampleRate: 24000 });
    });
    const chunks = actions(log).filter((a) => a.type === 'chunk');
    let end = chunks[0]!.at;
    for (const chunk of chunks) {
      expect(chunk.at, 'a chunk came after the line ran dry').toBeLessThanOrEqual(end);
      end += chunkMs(chunk);
    }
  });

  it('interrupt mode: stops the stream on a frame boundary, drops what the encoder held, and the file waits for the audio already sent', () => {
    let sourceClosed = -1;
    const log = record({}, (line, scheduler) => {
      const talk = new Subject<Int16Array>();
      line.stream(talk.pipe(finalize(() => (sourceClosed = scheduler.now()))), {
        sampleRate: 8000,
      });
      talk.next(speechLike(8000, 3)); // TTS delivered everything at once; the source stays open
      scheduler.schedule(() => line.play(wav8k(300), { mode: 'interrupt' }), 1000);
    });
    expect(sourceClosed).toBe(1000);
    const sent = actions(log);
    const chunks = sent.filter((a) => a.type === 'chunk');
    expect(chunks.every((c) => c.at < 1000)).toBe(true); // nothing more of the stream
    const interrupted = outcomes(log).find((e) => e.type === 'playback-interrupted');
    if (interrupted?.type !== 'playback-interrupted') throw new Error('no interruption');
    expect(interrupted).toMatchObject({ at: 1000, reason: 'interrupted', playedMs: 1000 });
    // What the caller still hears is what was sent ahead: within the (default) lead.
    const stale = interrupted.heardMs - interrupted.playedMs;
    expect(stale).toBeGreaterThan(DEFAULT_LEAD_MS - FRAME_MS);
    expect(stale).toBeLessThanOrEqual(DEFAULT_LEAD_MS);
    expect(chunks.reduce((ms, c) => ms + chunkMs(c), 0)).toBe(interrupted.heardMs);
    // The file goes out when that audio has played (and a guard for the network's
    // jitter), so it never plays over it.
    const media = sent.filter((a) => a.type === 'media');
    const fileAt = 1000 + stale + STALE_GUARD_MS;
    expect(media).toEqual([expect.objectContaining({ at: fileAt, isSync: false })]);
    expect(outcomes(log).map((e) => `${e.type}:${e.id}@${e.at}`)).toEqual([
      'playback-interrupted:1@1000',
      `playback-end:2@${fileAt + 300}`,
    ]);
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
    expect(sentBefore * 20).toBeLessThanOrEqual(500 + 100);
    const tail = chunks.filter((c) => c.at === 500);
    expect(tail).toHaveLength(1);
    const interrupted = events(log).find((e) => e.type === 'playback-interrupted');
    expect(interrupted).toMatchObject({ playedMs: 500, heardMs: sentBefore * 20 + 20 });
    const last =
      tail[0]!.type === 'chunk' ? new Int16Array(tail[0]!.payload.slice().buffer).at(-1)! : 1e9;
    expect(Math.abs(last)).toBeLessThan(200);
  });

  it('a stream queued next gets its audio while the one before plays: a slow TTS starts without a gap', () => {
    const subscribed: number[] = [];
    let released = 0;
    const log = record({}, (line, scheduler) => {
      // A TTS that needs 300 ms before it gives its sentence, all at once.
      const slowTts = (ms: number) =>
        new Observable<Int16Array>((subscriber) => {
          subscribed.push(scheduler.now());
          const timer = scheduler.schedule(() => {
            subscriber.next(speechLike(8000, 1, ms / 1000));
            subscriber.complete();
          }, 300);
          return () => timer.unsubscribe();
        }).pipe(finalize(() => released++));
      line.stream(pcmOf(speechLike(8000, 1, 1), 8000), { sampleRate: 8000 });
      line.stream(slowTts(1000), { sampleRate: 8000 });
      line.stream(slowTts(1000), { sampleRate: 8000 });
    });
    // The second subscribes at once (next after the first), the third once the second is on the line.
    const [first, second] = outcomes(log);
    expect(subscribed[0]).toBe(0);
    expect(subscribed[1]).toBe(first!.at);
    const marks = events(log).map((e) => `${e.type}@${e.at}`);
    expect(marks).toEqual([
      'playback-start@0',
      `playback-end@${first!.at}`,
      `playback-start@${first!.at}`,
      `playback-end@${second!.at}`,
      `playback-start@${second!.at}`,
      expect.stringMatching(/^playback-end@/),
    ]);
    expect(released).toBe(2);
  });

  it('an interruption releases the source a queued stream was prefetching', () => {
    let released = 0;
    const log = record({}, (line, scheduler) => {
      line.stream(pcmOf(speechLike(8000, 1, 1), 8000), { sampleRate: 8000 });
      line.stream(new Subject<Int16Array>().pipe(finalize(() => released++)), { sampleRate: 8000 });
      scheduler.schedule(() => line.interrupt(), 500);
    });
    expect(released).toBe(1);
    expect(outcomes(log).map((e) => [e.id, e.type, e.at])).toEqual([
      ['2', 'playback-interrupted', 500],
      ['1', 'playback-interrupted', 500],
    ]);
  });

  it('an upstream error ends the item once with reason "error", and the line goes on', () => {
    const log = record({}, (line, scheduler) => {
      const failing = new Subject<Int16Array>();
      line.stream(failing, { sampleRate: 8000, format: 'pcm16' });
      line.play(wav8k(100));
      failing.next(new Int16Array(1600));
      scheduler.schedule(() => failing.error(new Error('TTS failed')), 50);
    });
    const ends = outcomes(log);
    // The file waits for the audio the stream had sent ahead before the error.
    expect(ends.map((e) => [e.type, e.id])).toEqual([
      ['playback-interrupted', '1'],
      ['playback-end', '2'],
    ]);
    expect(ends[0]).toMatchObject({
      at: 50,
      reason: 'error',
      error: expect.objectContaining({ message: 'TTS failed' }),
    });
  });

  it('interrupting a playing file sends a short silent file that cuts it; queued items are dropped', () => {
    const log = record({}, (line, scheduler) => {
      line.play(wav8k(1000));
      line.stream(pcmOf(tone(8000, 300, 1), 8000), { sampleRate: 8000 });
      scheduler.schedule(() => line.interrupt(), 400);
    });
    expect(actions(log).map((a) => [a.type, a.at, a.type === 'media' && a.isSync])).toEqual([
      ['media', 0, true],
      ['media', 400, false],
    ]);
    expect(
      outcomes(log).map((e) => [e.id, e.type === 'playback-interrupted' && e.playedMs]),
    ).toEqual([
      ['2', 0],
      ['1', 400],
    ]);
  });

  it('close ends everything with reason "closed", sends nothing more and completes', () => {
    let completed = false;
    const log = record({}, (line, scheduler) => {
      line.events$.subscribe({ complete: () => (completed = true) });
      line.stream(pcmOf(tone(8000, 300, 2), 8000), { sampleRate: 8000 });
      line.play(wav8k(100));
      scheduler.schedule(() => line.close(), 300);
    });
    expect(outcomes(log).map((o) => o.type === 'playback-interrupted' && o.reason)).toEqual([
      'closed',
      'closed',
    ]);
    expect(actions(log).filter((a) => a.at >= 300)).toEqual([]);
    expect(completed).toBe(true);
  });

  it('close(error) ends every item once with reason "error" and that error', () => {
    const failure = new Error('bot failed');
    const log = record({}, (line, scheduler) => {
      line.stream(pcmOf(tone(8000, 300, 2), 8000), { sampleRate: 8000 });
      line.play(wav8k(100));
      scheduler.schedule(() => line.close(failure), 300);
    });
    expect(
      outcomes(log).map((o) => o.type === 'playback-interrupted' && [o.reason, o.error]),
    ).toEqual([
      ['error', failure],
      ['error', failure],
    ]);
  });

  it('a sink that refuses an action (the call is ending) counts nothing more and ends the item', () => {
    const log = record(
      {},
      (line) => {
        line.stream(pcmOf(tone(8000, 300, 2), 8000), { sampleRate: 8000 });
      },
      { refuseFrom: 3 },
    );
    const sentMs = actions(log).reduce((ms, a) => ms + chunkMs(a), 0);
    expect(sentMs).toBe(3 * FRAME_MS);
    expect(outcomes(log)).toEqual([
      expect.objectContaining({ type: 'playback-interrupted', reason: 'closed', heardMs: sentMs }),
    ]);
  });

  it('items a bot gave the same id each end once, in order', async () => {
    const done: Promise<string>[] = [];
    record({}, (line) => {
      done.push(line.play(wav8k(100), { id: 'prompt' }).done.then((o) => `${o.type}@1`));
      done.push(line.play(wav8k(100), { id: 'prompt' }).done.then((o) => `${o.type}@2`));
    });
    expect(await Promise.all(done)).toEqual(['playback-end@1', 'playback-end@2']);
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

  it('is not busy any more when the last item’s outcome is delivered', () => {
    const busyAtEnd: boolean[] = [];
    record({}, (line, scheduler) => {
      line.events$.subscribe((e) => {
        if (e.type === 'playback-end' || e.type === 'playback-interrupted')
          busyAtEnd.push(line.busy);
      });
      line.play(wav8k(100));
      line.play(wav8k(100));
      const third = line.stream(pcmOf(tone(8000, 300, 1), 8000), { sampleRate: 8000 });
      scheduler.schedule(() => third.interrupt(), 400);
    });
    // The first two had an item after them; the last had none.
    expect(busyAtEnd).toEqual([true, true, false]);
  });

  it('reports first-chunk latency on an idle line and the stale audio left by an interruption', () => {
    const timings: PlayoutTiming[] = [];
    const log = record({ onTiming: (t) => timings.push(t) }, (line, scheduler) => {
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
    // The live stream waited for its first frame (72 ms of audio, plus the encoder's
    // delay) at real time; processing takes no virtual time. The queued one did not start
    // on an idle line, so it is not timed.
    expect(firstChunks).toEqual([
      { type: 'first-chunk', id: '1', processingMs: 0, sinceFirstPcmMs: expect.any(Number) },
    ]);
    const wait = (firstChunks[0] as { sinceFirstPcmMs: number }).sinceFirstPcmMs;
    expect(wait).toBeGreaterThanOrEqual(FRAME_MS);
    expect(wait).toBeLessThanOrEqual(2 * FRAME_MS + 1105 / 8); // lamejs's measured delay, 1105 samples
    const cuts = timings.filter((t) => t.type === 'interrupt');
    expect(cuts).toEqual([{ type: 'interrupt', id: '1', stopMs: 0, staleMs: expect.any(Number) }]);
    const stale = (cuts[0] as { staleMs: number }).staleMs;
    expect(stale).toBeGreaterThan(0);
    expect(stale).toBeLessThanOrEqual(DEFAULT_LEAD_MS);
    // The next stream is heard once that has played, not over it.
    const next = events(log).find((e) => e.type === 'playback-start' && e.id === '2')!;
    expect(next.at).toBe(1000 + stale);
  });

  it('prepareAhead + encodeAhead: chunks are made on the work queue after each send, not when due; output unchanged', () => {
    const speech = speechLike(24000, 2);
    let inJob = false;
    let encodesInJobs = 0;
    let encodesWhenSending = 0;
    const counting: Mp3EncoderBackendFactory = (o) => {
      const backend = lameJsBackend(o);
      return {
        ...backend,
        encode(samples) {
          if (inJob) encodesInJobs++;
          else encodesWhenSending++;
          return backend.encode(samples);
        },
      };
    };
    const marked = (scheduler: Parameters<typeof virtualWorkQueue>[0]) => {
      const queue = virtualWorkQueue(scheduler);
      return {
        ...queue,
        add: (job: () => void) =>
          queue.add(() => {
            inJob = true;
            job();
            inJob = false;
          }),
      };
    };
    const play = (line: PlayoutLine) => {
      line.stream(pcmOf(speech, 24000), { sampleRate: 24000 });
    };
    const plain = actions(record({ mp3Backend: counting }, play));
    encodesInJobs = 0;
    encodesWhenSending = 0;
    const ahead = actions(
      record(
        (scheduler) => ({
          mp3Backend: counting,
          prepareAhead: marked(scheduler),
          encodeAhead: true,
        }),
        play,
      ),
    );
    // The same chunks at the same times; after the lead was filled, every chunk was
    // encoded on the work queue before it was due.
    expect(ahead).toEqual(plain);
    expect(encodesInJobs).toBeGreaterThan(20);
    expect(encodesWhenSending).toBeLessThanOrEqual(Math.ceil(DEFAULT_LEAD_MS / FRAME_MS) + 2);
    // Without encodeAhead only the resampling is done ahead.
    encodesInJobs = 0;
    const resampledAhead = actions(
      record((scheduler) => ({ mp3Backend: counting, prepareAhead: marked(scheduler) }), play),
    );
    expect(resampledAhead).toEqual(plain);
    expect(encodesInJobs).toBe(0);
  });

  it('rejects bad options with typed errors', () => {
    const sink = { send: () => true, writable: () => true };
    expect(() => createPlayoutLine(sink, { pcmChunkMs: 30 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => createPlayoutLine(sink, { leadMs: -1 })).toThrow(
      expect.objectContaining({ where: 'playout.leadMs' }),
    );
  });
});

describe('files are prepared off the loop, in order', () => {
  it('a long 22.05 kHz WAV is resampled in slices on the work queue; the stream queued after it waits its turn', () => {
    let slices = 0;
    const log = record(
      (scheduler) => {
        const queue = virtualWorkQueue(scheduler);
        return {
          prepareAhead: {
            ...queue,
            add: (job: () => void) =>
              queue.add(() => {
                slices++;
                job();
              }),
          },
        };
      },
      (line) => {
        const prompt = encodeWav({ sampleRate: 22050, channels: 1, samples: tone(22050, 300, 3) });
        line.play(prompt);
        line.stream(pcmOf(tone(8000, 440, 0.5), 8000), { sampleRate: 8000 });
      },
    );
    expect(slices).toBeGreaterThanOrEqual(12); // 3 s in quarter seconds
    const sent = actions(log);
    expect(sent[0]).toMatchObject({ type: 'media', isSync: true });
    const media = sent[0]!.type === 'media' ? decodeWav(sent[0]!.payload) : undefined;
    expect(media).toMatchObject({ sampleRate: 8000, frames: 24000 });
    expect(sent.slice(1).every((a) => a.type === 'chunk' && a.at >= sent[0]!.at + 3000)).toBe(true);
  });
});
