import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { frameMedia } from './frame-media.js';
import { createPcmFramer } from './pcm-framer.js';

describe('createPcmFramer', () => {
  it('splits stereo into A and B frames of 20 ms with start times', () => {
    const framer = createPcmFramer({ layout: 'stereo' });
    const stereo = Int16Array.from({ length: 640 }, (_, i) => (i % 2 === 0 ? i : -i));
    const frames = framer.push(stereo);
    expect(frames.map((f) => [f.channel, f.startSample, f.samples.length])).toEqual([
      ['a', 0, 160],
      ['b', 0, 160],
      ['a', 160, 160],
      ['b', 160, 160],
    ]);
    expect(frames[0]!.samples[1]).toBe(2);
    expect(frames[1]!.samples[1]).toBe(-3);
  });

  it('honours a swapped stereo order and mono layouts', () => {
    expect(
      createPcmFramer({ layout: 'stereo', stereoOrder: ['b', 'a'] }).push(new Int16Array(320))[0]!
        .channel,
    ).toBe('b');
    expect(
      createPcmFramer({ layout: 'mono_b', frameMs: 10 }).push(new Int16Array(80))[0],
    ).toMatchObject({ channel: 'b', sampleRate: 8000 });
  });

  it('yields the same frames whatever the piece sizes, half stereo pairs included; flush keeps the rest', () => {
    const stereo = Int16Array.from({ length: 2 * 1000 }, (_, i) => i);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 12 }), (sizes) => {
        const framer = createPcmFramer({ layout: 'stereo' });
        const frames = [];
        let at = 0;
        for (const size of sizes) {
          frames.push(...framer.push(stereo.subarray(at, at + size)));
          at = Math.min(stereo.length, at + size);
        }
        frames.push(...framer.push(stereo.subarray(at)), ...framer.flush());
        const a = frames.filter((f) => f.channel === 'a').flatMap((f) => [...f.samples]);
        expect(a).toEqual(Array.from({ length: 1000 }, (_, i) => 2 * i));
        expect(frames.map((f) => f.samples.length)).toEqual([
          160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 40, 40,
        ]);
      }),
      { numRuns: 100 },
    );
  });

  it('mono frames hold the samples pushed, each its own copy', () => {
    const framer = createPcmFramer({ layout: 'mono_a' });
    const piece = Int16Array.from({ length: 400 }, (_, i) => i);
    const frames = [...framer.push(piece), ...framer.flush()];
    expect(frames.map((f) => [f.startSample, f.samples[0], f.samples.length])).toEqual([
      [0, 0, 160],
      [160, 160, 160],
      [320, 320, 80],
    ]);
    piece.fill(0);
    frames[0]!.samples[1] = -1;
    expect([frames[0]!.samples[2], frames[1]!.samples[1]]).toEqual([2, 161]);
  });

  it('frameMedia emits frames and the partial tail on completion', async () => {
    const frames = await lastValueFrom(
      from([new Int16Array(100), new Int16Array(100)]).pipe(
        frameMedia({ layout: 'mono_a' }),
        toArray(),
      ),
    );
    expect(frames.map((f) => f.samples.length)).toEqual([160, 40]);
  });

  it('rejects a frame length that is not a whole number of samples', () => {
    expect(() => createPcmFramer({ layout: 'mono_a', frameMs: 0.01 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
