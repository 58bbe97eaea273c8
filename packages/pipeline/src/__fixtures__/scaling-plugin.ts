import { map } from 'rxjs';
import type { AudioFrame } from '../audio-frame.js';
import type { AudioStagePlugin } from '../stage-plugin.js';

/**
 * A stage plugin for tests: its stages scale samples by `factor` and, with `failAt`, throw
 * on that frame; it notes how many stages were made and the rates they saw.
 */
export function scalingPlugin(
  factor: number,
  input: AudioStagePlugin['input'] = { sampleRates: 'any' },
) {
  let made = 0;
  const rates = new Set<number>();
  const plugin: AudioStagePlugin<{ failAt?: number } | undefined> = {
    specificationVersion: 1,
    name: 'scaling',
    input,
    output: 'same-as-input',
    createStage(options) {
      made++;
      let seen = 0;
      return map((frame: AudioFrame) => {
        rates.add(frame.sampleRate);
        if (++seen === options?.failAt) throw new Error('the stage broke');
        return { ...frame, samples: frame.samples.map((s) => Math.round(s * factor)) };
      });
    },
  };
  return { plugin, rates, made: () => made };
}
