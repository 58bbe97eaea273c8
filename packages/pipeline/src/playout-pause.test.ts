// Pausing the line (PlayoutLine.pause / resume): a stream stops sending at a chunk
// boundary, keeps everything it has not sent (its MP3 encoder included), and goes on from
// the next chunk; the only cost is a gap of silence. In virtual time.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  actions,
  chunkMs,
  events,
  type Logged,
  outcomes,
  pcmOf,
  record,
  wav8k,
} from './__fixtures__/virtual-line.js';
import type { PlayoutLine, PlayoutLineOptions } from './playout-types.js';
import { speechLike } from './test-signals.js';

const speech = speechLike(8000, 2, 3); // 2 s

/** The bytes of every chunk the line sent, in order. */
const chunkBytes = (log: Logged[]): Buffer =>
  Buffer.concat(actions(log).map((a) => (a.type === 'chunk' ? a.payload : new Uint8Array())));

/** One 2 s stream, with `script` run on the line at the times it gives. */
function streamWith(
  options: PlayoutLineOptions,
  script: (line: PlayoutLine) => Record<number, () => void>,
): Logged[] {
  return record(options, (line, scheduler) => {
    line.stream(pcmOf(speech, 8000), { sampleRate: 8000 });
    for (const [at, act] of Object.entries(script(line))) scheduler.schedule(act, Number(at));
  });
}

describe('pausing the playout line', () => {
  it('an MP3 stream pauses on a frame boundary and resumes with the next frame: the same bytes in all, a gap the only cost', () => {
    const plain = streamWith({ leadMs: 200 }, () => ({}));
    const paused = streamWith({ leadMs: 200 }, (line) => ({
      500: () => line.pause(),
      1500: () => line.resume(),
    }));
    // Nothing dropped, nothing re-encoded: the encoder's state was kept across the pause.
    expect(chunkBytes(paused).equals(chunkBytes(plain))).toBe(true);
    const chunks = actions(paused).filter((a) => a.type === 'chunk');
    expect(chunks.filter((c) => c.at > 500 && c.at < 1500)).toEqual([]);
    // On resume the lead refills as at a start (two 72 ms frames), no more: no catch-up.
    expect(chunks.filter((c) => c.at === 1500).length).toBe(2);
    // What was in flight at the pause played out; the caller hears all of it, later.
    const sentByPause = chunks.filter((c) => c.at <= 500).reduce((ms, c) => ms + chunkMs(c), 0);
    const [plainEnd] = outcomes(plain);
    const [pausedEnd] = outcomes(paused);
    expect(pausedEnd).toMatchObject({ type: 'playback-end', playedMs: plainEnd!.playedMs });
    // The gap: from where the audio sent before the pause ran out to the resume.
    expect(pausedEnd!.at - plainEnd!.at).toBe(1500 - sentByPause);
  });

  it('pause and resume are idempotent, and a no-op once the line is closed', () => {
    const twice = streamWith({ leadMs: 200 }, (line) => ({
      500: () => {
        line.pause();
        line.pause();
        expect(line.paused).toBe(true);
      },
      1500: () => {
        line.resume();
        line.resume();
        expect(line.paused).toBe(false);
      },
    }));
    const once = streamWith({ leadMs: 200 }, (line) => ({
      500: () => line.pause(),
      1500: () => line.resume(),
    }));
    expect(actions(twice).map((a) => a.at)).toEqual(actions(once).map((a) => a.at));
    record({}, (line) => {
      line.pause(); // idle: nothing to hold
      expect(line.paused).toBe(false);
      line.stream(pcmOf(speech.subarray(0, 800), 8000), { sampleRate: 8000 });
      line.pause();
      expect(line.paused).toBe(true);
      line.close();
      expect(line.paused).toBe(false); // closing ends it: nothing left
      line.pause();
      line.pause();
      expect(line.paused).toBe(false);
      line.resume();
    });
  });

  it('an interruption while paused ends the item as today, ends the pause, and the next item plays at once', () => {
    const log = record({ leadMs: 200 }, (line, scheduler) => {
      line.stream(pcmOf(speech, 8000), { sampleRate: 8000 });
      scheduler.schedule(() => line.pause(), 500);
      scheduler.schedule(() => {
        line.interrupt();
        expect(line.paused).toBe(false);
        line.stream(pcmOf(speech.subarray(0, 4000), 8000), { sampleRate: 8000 });
      }, 900);
    });
    const sentByPause = actions(log)
      .filter((c) => c.at <= 500)
      .reduce((ms, c) => ms + chunkMs(c), 0);
    expect(outcomes(log)[0]).toMatchObject({
      type: 'playback-interrupted',
      id: '1',
      at: 900,
      heardMs: sentByPause,
      reason: 'interrupted',
    });
    expect(actions(log).find((a) => a.at > 500)?.at).toBe(900);
    expect(outcomes(log)[1]).toMatchObject({ type: 'playback-end', id: '2' });
  });

  it('queued items wait while paused; a file already sent plays on', () => {
    const log = record({ leadMs: 200 }, (line, scheduler) => {
      line.play(wav8k(1000));
      line.stream(pcmOf(speech.subarray(0, 4000), 8000), { sampleRate: 8000 });
      scheduler.schedule(() => line.pause(), 500);
      scheduler.schedule(() => line.resume(), 2000);
    });
    // The file's `media` went out at 0 and ended at 1000; the stream starts on resume.
    expect(events(log).map((e) => `${e.type}:${e.id}@${e.at}`)).toEqual([
      'playback-start:1@0',
      'playback-end:1@1000',
      'playback-start:2@2000',
      expect.stringMatching(/^playback-end:2@2\d{3}$/),
    ]);
  });

  it('a PCM16 stream pauses on a chunk boundary and resumes with the next sample', () => {
    const plain = streamWith({ leadMs: 100, format: 'pcm16' }, () => ({}));
    const paused = streamWith({ leadMs: 100, format: 'pcm16' }, (line) => ({
      300: () => line.pause(),
      310: () => line.pause(),
      800: () => line.resume(),
    }));
    expect(chunkBytes(paused).equals(chunkBytes(plain))).toBe(true);
    expect(actions(paused).filter((c) => c.at > 300 && c.at < 800)).toEqual([]);
  });

  it('the stream queued next, started early as the continuation, is held and resumed too', () => {
    const log = record({ leadMs: 200 }, (line, scheduler) => {
      line.stream(pcmOf(speech.subarray(0, 4000), 8000), { sampleRate: 8000 });
      line.stream(pcmOf(speech.subarray(4000), 8000), { sampleRate: 8000 });
      // The first has sent everything by ~300 ms; the second goes on as its continuation.
      scheduler.schedule(() => line.pause(), 450);
      scheduler.schedule(() => line.resume(), 1500);
    });
    const chunks = actions(log).filter((a) => a.type === 'chunk');
    expect(chunks.filter((c) => c.at > 450 && c.at < 1500)).toEqual([]);
    const total = chunks.reduce((ms, c) => ms + chunkMs(c), 0);
    expect(total).toBeGreaterThanOrEqual(2000);
    expect(outcomes(log).map((e) => `${e.type}:${e.id}`)).toEqual([
      'playback-end:1',
      'playback-end:2',
    ]);
  });
});
