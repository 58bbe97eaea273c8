import { concatPcm, decodeWav } from '@psrkit/protocol';
import { describe, expect, it } from 'vitest';
import { scalingPlugin as scaling } from './__fixtures__/scaling-plugin.js';
import { actions, outcomes, pcmOf, record, wav8k } from './__fixtures__/virtual-line.js';
import { type StageSpec, stageProcessor } from './stage-chain.js';
import { tone } from './test-signals.js';

const peak = (samples: Int16Array) => Math.max(...[...samples].map(Math.abs));
const half: StageSpec[] = [{ plugin: scaling(0.5).plugin }];

describe('stageProcessor: stages over 8 kHz PCM, piece by piece, without timers', () => {
  it('gives each piece back through the stages, and the whole stream at its length', () => {
    const processor = stageProcessor(half);
    const input = tone(8000, 440, 0.1, 8000);
    const out = concatPcm([
      ...processor.push(input.subarray(0, 400)),
      ...processor.push(input.subarray(400)),
      ...processor.end(),
    ]);
    expect(out.length).toBe(input.length);
    expect(peak(out)).toBe(4000);
  });

  it('resamples to a rate a plugin takes and back, the stream keeping its length', () => {
    const wide = scaling(1, { sampleRates: [16000] });
    const processor = stageProcessor([{ plugin: wide.plugin }]);
    const input = tone(8000, 440, 0.5, 8000);
    const parts = [];
    for (let at = 0; at < input.length; at += 160)
      parts.push(...processor.push(input.subarray(at, at + 160)));
    const out = concatPcm([...parts, ...processor.end()]);
    expect([...wide.rates]).toEqual([16000]);
    expect(out.length).toBe(input.length);
  });

  it('throws a StageFailure naming the plugin once a stage failed', () => {
    const processor = stageProcessor([{ plugin: scaling(1).plugin, options: { failAt: 2 } }]);
    processor.push(new Int16Array(160));
    expect(() => processor.push(new Int16Array(160))).toThrow(
      expect.objectContaining({ code: 'STAGE_FAILED', plugin: 'scaling' }),
    );
  });
});

describe('outbound stages on a playout line', () => {
  it('a file and a stream are heard through fresh stages each', () => {
    const log = record({ format: 'pcm16', outbound: () => stageProcessor(half) }, (line) => {
      line.play(wav8k(200));
      line.stream(pcmOf(tone(8000, 300, 0.4, 8000), 8000), { sampleRate: 8000 });
    });
    const sent = actions(log);
    const file = sent[0]!.type === 'media' ? decodeWav(sent[0]!.payload).samples : new Int16Array();
    expect(file.length).toBe(1600);
    expect(peak(file)).toBe(4000);
    const streamed = concatPcm(
      sent.flatMap((a) => (a.type === 'chunk' ? [new Int16Array(a.payload.slice().buffer)] : [])),
    );
    expect(streamed.length).toBe(3200);
    expect(peak(streamed)).toBe(4000);
    expect(outcomes(log).map((o) => o.type)).toEqual(['playback-end', 'playback-end']);
  });

  it('a stage that fails ends that item with the error; the next plays', () => {
    const failing: StageSpec[] = [{ plugin: scaling(1).plugin, options: { failAt: 3 } }];
    const log = record({ format: 'pcm16', outbound: () => stageProcessor(failing) }, (line) => {
      line.stream(pcmOf(tone(8000, 300, 0.4, 8000), 8000), { sampleRate: 8000 });
      line.play(wav8k(40)); // two frames: under the failing one
    });
    expect(outcomes(log)).toMatchObject([
      {
        type: 'playback-interrupted',
        reason: 'error',
        error: { code: 'STAGE_FAILED', plugin: 'scaling' },
      },
      { type: 'playback-end' },
    ]);
  });
});
