import { concatPcm } from '@psrkit/protocol';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { buzz, energyVad, fixture, noise, silence, tone } from './__fixtures__/espeak.js';
import { analyseFrames } from './analyse-frames.js';
import { BEEP_DEFAULTS, BeepTracker, beepSettings } from './beep-tracker.js';
import { answerFrames } from './testing/index.js';
import type { Beep } from './verdict.js';

async function beepsIn(samples: Int16Array): Promise<Beep[]> {
  const frames = await lastValueFrom(
    from(answerFrames(samples)).pipe(
      analyseFrames({ openVad: energyVad, silenceThresholdDbfs: -45, aboveFloorDb: 6 }),
      toArray(),
    ),
  );
  const tracker = new BeepTracker(beepSettings());
  const beeps = frames.flatMap((f) => tracker.push(f) ?? []);
  return [...beeps, ...(tracker.end() ? [tracker.end()!] : [])];
}

describe('BeepTracker', () => {
  it('reports a beep when it ends, with its span and frequency', async () => {
    const beeps = await beepsIn(concatPcm([silence(0.5), tone(1000, 0.4), silence(0.5)]));
    expect(beeps).toHaveLength(1);
    expect(beeps[0]!.endMs).toBe(900);
    expect(beeps[0]!.startMs).toBeGreaterThanOrEqual(500);
    expect(beeps[0]!.startMs).toBeLessThanOrEqual(520);
    expect(beeps[0]!.frequencyHz).toBe(1000);
  });

  it('finds each tone of a two-tone beep, a beep under noise, and one that the audio ends in', async () => {
    const two = await beepsIn(
      concatPcm([silence(0.2), tone(850, 0.3), tone(1400, 0.3), silence(0.2)]),
    );
    expect(two.map((b) => b.frequencyHz)).toEqual([850, 1400]);
    const hiss = noise(1.2, 800);
    const noisy = concatPcm([silence(0.4), tone(1000, 0.4, 8000), silence(0.4)]).map(
      (s, i) => s + hiss[i]!,
    );
    expect(await beepsIn(Int16Array.from(noisy))).toHaveLength(1);
    expect(await beepsIn(concatPcm([silence(0.3), tone(1000, 0.3)]))).toHaveLength(1);
  });

  it('takes no voice, no short blip and no long tone for a beep', async () => {
    expect(await beepsIn(concatPcm([buzz(1), silence(0.2)]))).toEqual([]);
    expect(await beepsIn(fixture('alo'))).toEqual([]);
    expect(await beepsIn(fixture('busy'))).toEqual([]);
    expect(await beepsIn(concatPcm([tone(1000, 0.1), silence(0.2)]))).toEqual([]);
    expect(await beepsIn(concatPcm([tone(1000, 3), silence(0.2)]))).toEqual([]);
  });

  it('has documented defaults, and refuses options out of range', () => {
    expect(BEEP_DEFAULTS).toEqual({ minMs: 160, maxMs: 2500, minPurity: 0.8, aboveFloorDb: 10 });
    expect(() => beepSettings({ minPurity: 2 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(/minPurity/),
      }),
    );
  });
});
