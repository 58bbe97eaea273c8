import { VadError } from '@psrkit/plugin-vad';
import { describe, expect, it } from 'vitest';
import { QuietGate } from './quiet-gate.js';
import { SHAPES } from './silero-inference.js';
import { SileroVadInstance } from './silero-vad-instance.js';

/**
 * A model whose probability is the frame's first sample / 100 plus the frames it heard
 * since its last reset / 1000; it fails on a frame starting with -1.
 */
function countingModel() {
  const log: string[] = [];
  let heard = 0;
  return {
    log,
    run: async (frame: Int16Array) => {
      await new Promise((resolve) => setImmediate(resolve));
      log.push(`run ${frame[0]}`);
      if (frame[0] === -1) throw new VadError('ENGINE_FAILED', 'Silero inference failed: test');
      return frame[0]! / 100 + heard++ / 1000;
    },
    skip: (frame: Int16Array) => {
      log.push(`skip ${frame[0]}`);
    },
    reset: () => {
      log.push('reset');
      heard = 0;
    },
  };
}
const milli = (p: number) => Math.round(p * 1000) / 1000;
const frame = (first: number) => new Int16Array(256).fill(first);
const open = (model: ReturnType<typeof countingModel>, gate?: QuietGate) =>
  new SileroVadInstance(
    model,
    8000,
    SHAPES[8000]!,
    { threshold: 0.5, negThreshold: 0.35, suspectThreshold: 0.3 },
    gate,
  );

describe('SileroVadInstance: frames and resets in the order asked, one frame at a time', () => {
  it('queues frames asked while one is with the model, and a reset after the frames before it', async () => {
    const model = countingModel();
    const vad = open(model);
    const buffer = frame(10);
    const first = vad.speechProbability(buffer);
    buffer.fill(20); // the caller reuses its buffer: the frame asked is the one answered
    const second = vad.speechProbability(buffer);
    vad.reset();
    const third = vad.speechProbability(frame(30));
    expect(await Promise.all([first, second, third])).toEqual([0.1, 0.201, 0.3]);
    expect(model.log).toEqual(['run 10', 'run 20', 'reset', 'run 30']);
  });

  it('decides with hysteresis, forgets it on reset, and goes on after a failed frame', async () => {
    const vad = open(countingModel());
    const decisions = [60, 40, 30, -1, 40].map((first) =>
      vad.isSpeech(frame(first)).catch((error: VadError) => error.code),
    );
    vad.reset();
    const afterReset = vad.isSpeech(frame(40));
    // 0.6 speech; 0.401 stays speech (≥ 0.35); 0.302 ends it; the failure; 0.403 is not speech.
    expect(await Promise.all(decisions)).toEqual([true, true, false, 'ENGINE_FAILED', false]);
    expect(await afterReset).toBe(false);
  });

  it('grades frames: speech as isSpeech decides, maybe from suspectThreshold up, else silence', async () => {
    const vad = open(countingModel());
    const levels = [20, 30, 60, 36, 31, 10].map((first) => vad.speechLevel(frame(first)));
    // 0.2 silence; 0.301 maybe; 0.602 speech; 0.363 stays speech (≥ 0.35); 0.314 maybe; 0.105 silence.
    expect(await Promise.all(levels)).toEqual([
      'silence',
      'maybe',
      'speech',
      'speech',
      'maybe',
      'silence',
    ]);
  });

  it('with a quiet gate, skips quiet frames once the model has found two quiet, never a loud one', async () => {
    const model = countingModel();
    // Quiet: within 6 dB of the floor; two quiet model answers (under 0.15) before a skip.
    const vad = open(model, new QuietGate(6, 2, 0.15));
    const firsts = [5, 5, 5, 5, 60, 5, 5, 5];
    const decisions = firsts.map((first) => vad.speechProbability(frame(first)));
    vad.reset();
    const afterReset = [5, 5, 5].map((first) => vad.speechProbability(frame(first)));
    // A skipped frame is answered with the model's last probability.
    expect((await Promise.all(decisions)).map(milli)).toEqual([
      0.05, 0.051, 0.051, 0.051, 0.602, 0.053, 0.054, 0.054,
    ]);
    expect((await Promise.all(afterReset)).map(milli)).toEqual([0.05, 0.051, 0.051]);
    expect(model.log).toEqual([
      ...['run 5', 'run 5', 'skip 5', 'skip 5', 'run 60', 'run 5', 'run 5', 'skip 5'],
      ...['reset', 'run 5', 'run 5', 'skip 5'],
    ]);
    expect(vad.framesSkipped).toBe(4);
  });

  it('refuses frames of the wrong length and any frame or reset once closed', () => {
    const vad = open(countingModel());
    expect(() => vad.isSpeech(new Int16Array(160))).toThrow(
      expect.objectContaining({ code: 'INVALID_FRAME' }),
    );
    vad.close();
    expect(() => vad.isSpeech(frame(1))).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    expect(() => vad.reset()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });
});
