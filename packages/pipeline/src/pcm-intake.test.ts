import { describe, expect, it } from 'vitest';
import { PcmIntake } from './pcm-intake.js';
import { createResampler } from './resampler.js';
import type { PcmProcessor } from './stage-chain.js';

describe('PcmIntake: a stream’s audio on its way to 8 kHz', () => {
  it('at 8 kHz without stages: pieces pass as they are, all in once the source ends', () => {
    const intake = new PcmIntake(undefined, undefined);
    intake.push(new Int16Array(100));
    intake.push(new Int16Array(100));
    intake.fill(150);
    expect(intake.pcm.length).toBe(200); // whole pieces
    expect(intake.allIn).toBe(false);
    intake.end();
    expect(intake.allIn).toBe(true);
  });

  it('resamples only as much as asked for, and the resampler’s tail only once the source ran out', () => {
    const resampler = createResampler({ inputRate: 16000, outputRate: 8000 });
    const intake = new PcmIntake(resampler, undefined);
    for (let i = 0; i < 10; i++) intake.push(new Int16Array(320));
    intake.fill(160);
    const first = intake.pcm.length;
    expect(first).toBeGreaterThanOrEqual(160);
    expect(first).toBeLessThan(480);
    intake.end();
    expect(intake.allIn).toBe(false); // the pieces left, and the tail
    intake.fill(Number.POSITIVE_INFINITY);
    expect(intake.allIn).toBe(true);
    expect(intake.pcm.length).toBe(1600); // exactly half: nothing lost, nothing added
  });

  it('runs the stages on the 8 kHz audio, their tail after the source’s end', () => {
    const log: string[] = [];
    const stages: PcmProcessor = {
      push: (samples) => {
        log.push(`push ${samples.length}`);
        return [samples];
      },
      end: () => {
        log.push('end');
        return [new Int16Array(5)];
      },
    };
    const intake = new PcmIntake(undefined, stages);
    intake.push(new Int16Array(10));
    intake.end();
    expect(intake.allIn).toBe(false);
    intake.fill(100);
    expect(log).toEqual(['push 10', 'end']);
    expect(intake.pcm.length).toBe(15);
    expect(intake.allIn).toBe(true);
    intake.clear();
    expect(intake.pcm.length).toBe(0);
  });
});
