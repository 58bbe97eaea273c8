import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeWav } from '@psrkit/protocol';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { SHAPES, SileroInference, SileroModel } from './silero-inference.js';
import { bundledModelPath } from './silero-vad.js';

const session = await ort.InferenceSession.create(bundledModelPath());
/** 32 ms frames from the simulator's caller recording, from its first utterance (1.0 s) on. */
const recording = decodeWav(
  readFileSync(fileURLToPath(new URL('../../simulator/samples/caller.wav', import.meta.url))),
).samples;
const frame = (i: number) => recording.slice(8000 + i * 256, 8000 + (i + 1) * 256);

describe('SileroInference: the model’s state on one stream', () => {
  it('carries context and state from frame to frame; reset starts again as a fresh stream', async () => {
    const fresh = new SileroInference(new SileroModel(session, SHAPES[8000]!, 8000));
    const first = [await fresh.run(frame(0)), await fresh.run(frame(1)), await fresh.run(frame(2))];
    const again = new SileroInference(new SileroModel(session, SHAPES[8000]!, 8000));
    await again.run(frame(5));
    const second = await again.run(frame(1));
    again.reset();
    const afterReset = [
      await again.run(frame(0)),
      await again.run(frame(1)),
      await again.run(frame(2)),
    ];
    expect(afterReset).toEqual(first);
    expect(second).not.toBe(first[1]); // what came before changes the answer
  });

  it('turns a failing inference into VadError ENGINE_FAILED', async () => {
    const broken = {
      inputNames: ['input', 'state', 'sr'],
      outputNames: ['output', 'stateN'],
      run: () => Promise.reject(new Error('no memory')),
    } as unknown as ort.InferenceSession;
    await expect(
      new SileroInference(new SileroModel(broken, SHAPES[8000]!, 8000)).run(frame(0)),
    ).rejects.toMatchObject({
      code: 'ENGINE_FAILED',
      message: 'Silero inference failed: no memory',
    });
  });
});
