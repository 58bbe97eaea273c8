import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { silence, tone } from '../../line/src/__fixtures__/audio.js';
import { loadCallerAudio } from './caller-audio-file.js';
import { findUtterances } from './find-utterances.js';

const sample = (name: string) => fileURLToPath(new URL(`../samples/${name}`, import.meta.url));

describe('findUtterances', () => {
  it('finds the three utterances of the bundled caller recording where they were placed', async () => {
    const caller = await loadCallerAudio(sample('caller.wav'));
    const found = findUtterances(caller);
    expect(found).toHaveLength(3);
    // Placed at 1.0 s, 1.0 + 3.59 + 6.0 s and after a 1.5 s pause (espeak adds a little silence).
    expect(found[0]!.startMs).toBeGreaterThan(900);
    expect(found[0]!.startMs).toBeLessThan(1300);
    expect(found[1]!.startMs).toBeGreaterThan(10_500);
    expect(found[1]!.startMs).toBeLessThan(10_900);
    expect(found[2]!.startMs - found[1]!.endMs).toBeGreaterThan(1200);
  });

  it('joins speech across short pauses and ignores clicks', () => {
    const pcm = new Int16Array([
      ...silence(200),
      ...tone(400),
      ...silence(450), // shorter than the 600 ms hangover: the same utterance
      ...tone(400),
      ...silence(1000),
      ...tone(30), // a click
      ...silence(500),
    ]);
    const found = findUtterances(pcm);
    expect(found).toHaveLength(1);
    expect(found[0]!.startMs).toBe(200);
    expect(found[0]!.endMs).toBe(1460);
  });

  it('finds nothing in silence', () => {
    expect(findUtterances(silence(2000))).toEqual([]);
  });
});
