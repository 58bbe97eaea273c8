import { createStageRegistry } from '@psrkit/pipeline';
import { describeStageConformance, testFrames } from '@psrkit/pipeline/testing';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createGainPlugin } from './gain-plugin.js';

describeStageConformance(
  createGainPlugin(),
  { describe, it, expect },
  { stageOptions: { gainDb: 6 } },
);

describe('gain plugin', () => {
  it('scales by the gain in dB and clips at the ceiling', async () => {
    const frames = testFrames(8000, 2);
    const [louder] = await lastValueFrom(
      from(frames).pipe(createGainPlugin().createStage({ gainDb: 20, ceilingDb: -6 }), toArray()),
    );
    const peak = Math.max(...louder!.samples.map(Math.abs));
    expect(peak).toBe(Math.floor(32767 * 10 ** (-6 / 20)));
    const [quieter] = await lastValueFrom(
      from(frames).pipe(createGainPlugin().createStage({ gainDb: -6.0206 }), toArray()),
    );
    expect(quieter!.samples[10]).toBe(Math.round(frames[0]!.samples[10]! / 2));
  });

  it('registers explicitly and idempotently', () => {
    const registry = createStageRegistry();
    const plugin = createGainPlugin();
    registry.register(plugin);
    registry.register(plugin);
    expect(registry.list()).toEqual([plugin]);
    expect(() => registry.register(createGainPlugin())).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INCOMPATIBLE' }),
    );
  });

  it('rejects impossible options', () => {
    expect(() => createGainPlugin().createStage({ gainDb: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => createGainPlugin().createStage({ ceilingDb: 3 })).toThrow(/ceilingDb/);
  });
});
