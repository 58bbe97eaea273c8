import { describeStageConformance } from '@psrkit/pipeline/testing';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { callerRecording, framesOf, noise } from './__fixtures__/caller.js';
import { detectTurns, type TurnEvent } from './detect-turns.js';
import { describeVadConformance } from './testing/index.js';
import type { OpenVad } from './vad.js';
import { createVadPlugin } from './vad-plugin.js';
import { createWebRtcVad, loadWebRtcVad } from './webrtc-vad.js';

const openVad = await loadWebRtcVad();
describeStageConformance(
  await createVadPlugin(),
  { describe, it, expect },
  { stageOptions: { onTurn: () => {} } },
);
describeVadConformance(
  openVad,
  { describe, it, expect },
  { recording: callerRecording(), turns: 3 },
);

const turnsOf = (samples: Int16Array, options = {}) =>
  lastValueFrom(from(framesOf(samples)).pipe(detectTurns({ openVad, ...options }), toArray()));

describe('WebRTC VAD', () => {
  it('tells speech from silence and from steady noise', async () => {
    const vad = await createWebRtcVad({ mode: 3 });
    const speech = callerRecording().subarray(8000 * 1.5, 8000 * 2.5); // inside "Hello, I would like…"
    const voiced = framesOf(speech).filter((f) => vad.isSpeech(f.samples)).length;
    vad.reset();
    const hiss = framesOf(noise(8000, 300)).filter((f) => vad.isSpeech(f.samples)).length;
    vad.close();
    expect(voiced).toBeGreaterThan(35); // of 50
    expect(hiss).toBeLessThan(10); // scattered single frames: a turn needs startMs in a row
  });

  it('refuses frames of the wrong length and use after close, with typed errors', async () => {
    const vad = await createWebRtcVad();
    expect(() => vad.isSpeech(new Int16Array(100))).toThrow(
      expect.objectContaining({ code: 'INVALID_FRAME' }),
    );
    vad.close();
    expect(() => vad.isSpeech(new Int16Array(160))).toThrow(
      expect.objectContaining({ code: 'CLOSED' }),
    );
    await expect(createWebRtcVad({ sampleRate: 11025 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });
});

describe('detectTurns', () => {
  it('finds the three turns of the bundled caller, each with its audio', async () => {
    const events = await turnsOf(callerRecording());
    const ends = events.filter(
      (e): e is Extract<TurnEvent, { type: 'speech-end' }> => e.type === 'speech-end',
    );
    expect(events.map((e) => e.type)).toEqual([
      'speech-start',
      'speech-end',
      'speech-start',
      'speech-end',
      'speech-start',
      'speech-end',
    ]);
    // Placed at 1.0 s, 10.6 s and 16.1 s (see the simulator's samples).
    expect(events[0]!.atMs).toBeGreaterThan(950);
    expect(events[0]!.atMs).toBeLessThan(1150);
    expect(ends[0]!.atMs - ends[0]!.startMs).toBeGreaterThan(3000);
    // A turn ends 700 ms after the last voice; its audio is the turn without the trailing silence.
    expect(ends[0]!.reason).toBe('silence');
    expect(ends[0]!.audio.length / 8).toBeGreaterThan(3400);
    expect(ends[0]!.audio.length / 8).toBeLessThan(ends[0]!.atMs - ends[0]!.startMs - 500);
    expect(ends[2]!.reason).toBe('stream-end'); // the recording ends 0.4 s after it
  });

  it('reacts to an onset within startMs, with the pre-roll in the audio', async () => {
    const silence = new Int16Array(8000);
    const speech = callerRecording().subarray(8000 * 1.0, 8000 * 2.0);
    const events = await turnsOf(new Int16Array([...silence, ...speech, ...new Int16Array(8000)]), {
      startMs: 40,
    });
    const start = events[0]!;
    expect(start.type).toBe('speech-start');
    expect(start.atMs).toBeGreaterThanOrEqual(1000);
    expect(start.atMs).toBeLessThan(1100);
    const end = events[1]!;
    if (end.type !== 'speech-end') throw new Error('no end');
    expect(end.startMs).toBeLessThanOrEqual(start.atMs - 150);
  });

  it('ends a turn that goes on too long, and the last one when the stream ends', async () => {
    const speech = callerRecording().subarray(8000 * 1.0, 8000 * 4.0);
    const long = await turnsOf(speech, { maxTurnMs: 1000 });
    expect(long.find((e) => e.type === 'speech-end')).toMatchObject({ reason: 'max-length' });
    const cut = await turnsOf(speech.subarray(0, 8000));
    expect(cut.at(-1)).toMatchObject({ type: 'speech-end', reason: 'stream-end' });
  });

  it('re-cuts frames of any size', async () => {
    const recording = callerRecording().subarray(0, 8000 * 6);
    const odd = [];
    for (let at = 0; at < recording.length; at += 333)
      odd.push({
        samples: recording.slice(at, at + 333),
        sampleRate: 8000,
        channel: 'a' as const,
        startSample: at,
      });
    const events = await lastValueFrom(from(odd).pipe(detectTurns({ openVad }), toArray()));
    const even = await turnsOf(recording);
    expect(events.map((e) => [e.type, e.atMs])).toEqual(even.map((e) => [e.type, e.atMs]));
  });

  it('asks an asynchronous VAD one frame at a time, in order, and completes after its last answer', async () => {
    let pending = 0;
    let most = 0;
    const slow: OpenVad = (options) => {
      const vad = openVad(options);
      return {
        ...vad,
        isSpeech: (frame: Int16Array) => {
          most = Math.max(most, ++pending);
          const answer = vad.isSpeech(frame);
          return new Promise<boolean>((resolve) =>
            setImmediate(() => {
              pending--;
              resolve(answer);
            }),
          );
        },
      };
    };
    const recording = callerRecording();
    const events = await lastValueFrom(
      from(framesOf(recording)).pipe(detectTurns({ openVad: slow }), toArray()),
    );
    expect(events).toEqual(await turnsOf(recording));
    expect(most).toBe(1);
  });

  it('the plugin reports each side on its own', async () => {
    const turns: string[] = [];
    const plugin = await createVadPlugin();
    const speech = callerRecording().subarray(8000 * 0.5, 8000 * 5);
    const frames = framesOf(speech, 'a').flatMap((f, i) => [
      f,
      { ...framesOf(new Int16Array(speech.length), 'b')[i]! },
    ]);
    const out = await lastValueFrom(
      from(frames).pipe(
        plugin.createStage({ onTurn: (e) => turns.push(`${e.channel}:${e.type}`) }),
        toArray(),
      ),
    );
    expect(out).toHaveLength(frames.length);
    expect(turns).toEqual(['a:speech-start', 'a:speech-end']);
  });
});

describe('detectTurns: suspicions', () => {
  it('off by default; with suspectMs the turns are the same, each announced by a suspicion at or before its onset', async () => {
    const recording = callerRecording();
    const plain = await turnsOf(recording);
    const suspicion = (e: { type: string }) =>
      e.type === 'speech-suspected' || e.type === 'suspicion-cleared';
    expect(plain.some(suspicion)).toBe(false);
    const events = await lastValueFrom(
      from(framesOf(recording)).pipe(detectTurns({ openVad, suspectMs: 0 }), toArray()),
    );
    const turns = events.filter((e) => e.type === 'speech-start' || e.type === 'speech-end');
    expect(turns.map((e) => [e.type, e.atMs])).toEqual(plain.map((e) => [e.type, e.atMs]));
    events.forEach((event, i) => {
      if (event.type !== 'speech-start') return;
      // The last suspicion before it is still up (no clear in between), at or before its onset.
      const before = events.slice(0, i).filter((e) => suspicion(e) || e.type === 'speech-end');
      expect(before.at(-1)).toMatchObject({ type: 'speech-suspected' });
      expect(before.at(-1)!.atMs).toBeLessThanOrEqual(event.atMs);
    });
  });

  it('a click the VAD hears for one frame raises a suspicion and clears it; no turn', async () => {
    // A scripted VAD: 20 ms frames, voiced only at 500–520 ms.
    const clickVad: OpenVad = ({ sampleRate }) => {
      let at = 0;
      return {
        sampleRate,
        frameSamples: 160,
        isSpeech: () => at++ === 25,
        reset() {},
        close() {},
      };
    };
    const events = await lastValueFrom(
      from(framesOf(new Int16Array(8000))).pipe(
        detectTurns({ openVad: clickVad, suspectMs: 0, suspicionMs: 100 }),
        toArray(),
      ),
    );
    expect(events).toEqual([
      { type: 'speech-suspected', atMs: 500 },
      { type: 'suspicion-cleared', atMs: 600, suspectedAtMs: 500 },
    ]);
  });

  it('uses a VAD’s graded decisions when it gives them: a maybe run raises the suspicion its speech confirms', async () => {
    // Scripted, answering asynchronously: maybe at 500–540 ms, speech at 540–640 ms.
    const gradedVad: OpenVad = ({ sampleRate }) => {
      let at = 0;
      const level = (i: number) =>
        i >= 27 && i < 32 ? 'speech' : i >= 25 && i < 27 ? 'maybe' : 'silence';
      return {
        sampleRate,
        frameSamples: 160,
        isSpeech: () => Promise.reject(new Error('not asked: speechLevel is')),
        speechLevel: async () => level(at++),
        reset() {},
        close() {},
      };
    };
    const events = await lastValueFrom(
      from(framesOf(new Int16Array(8000))).pipe(
        detectTurns({ openVad: gradedVad, suspectMs: 0, endSilenceMs: 100 }),
        toArray(),
      ),
    );
    expect(events.map((e) => `${e.type}@${e.atMs}`)).toEqual([
      'speech-suspected@500',
      'speech-start@540',
      'speech-end@740',
    ]);
  });

  it('with onset, suspects on the first loud piece as it arrives; a click the VAD does not hear is cleared soon', async () => {
    // A scripted VAD that answers late (a model) and hears speech at 500–600 ms only; a
    // tone (loud) at 300–320 ms (a click) and at 500–600 ms.
    const lateVad: OpenVad = ({ sampleRate }) => {
      let at = 0;
      return {
        sampleRate,
        frameSamples: 160,
        isSpeech: async () => {
          const i = at++;
          return i >= 25 && i < 30;
        },
        reset() {},
        close() {},
      };
    };
    const audio = new Int16Array(8000);
    for (const [from, to] of [
      [2400, 2560],
      [4000, 4800],
    ] as const)
      for (let i = from; i < to; i++) audio[i] = Math.round(8000 * Math.sin(i / 4));
    const events = await lastValueFrom(
      from(framesOf(audio)).pipe(
        detectTurns({ openVad: lateVad, suspectMs: 0, onset: true, endSilenceMs: 100 }),
        toArray(),
      ),
    );
    expect(events.map((e) => `${e.type}@${e.atMs}`)).toEqual([
      'speech-suspected@300',
      'suspicion-cleared@380', // 64 ms of frames the VAD heard nothing in: the end of 360–380
      'speech-suspected@500',
      'speech-start@500',
      'speech-end@700',
    ]);
    expect(() => detectTurns({ openVad, onset: true })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: expect.stringContaining('onset'),
      }),
    );
  });

  it('refuses a suspectMs not below startMs', () => {
    expect(() => detectTurns({ openVad, startMs: 40, suspectMs: 40 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: expect.stringContaining('suspectMs'),
      }),
    );
  });
});
