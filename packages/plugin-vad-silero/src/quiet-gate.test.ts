import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeWav } from '@psrkit/protocol';
import { describe, expect, it } from 'vitest';
import { QuietGate } from './quiet-gate.js';
import { loadSileroVad } from './silero-vad.js';

const FRAME = 256;
const sample = (name: string) =>
  decodeWav(
    readFileSync(fileURLToPath(new URL(`../../simulator/samples/${name}`, import.meta.url))),
  ).samples;
/** Seeded white noise at `dbfs` (RMS) added to `pcm`. */
function withHiss(pcm: Int16Array, dbfs: number): Int16Array {
  let seed = 11;
  const level = 32768 * 10 ** (dbfs / 20) * Math.sqrt(3);
  return Int16Array.from(pcm, (s) => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return Math.max(-32768, Math.min(32767, s + Math.round((seed / 2 ** 32 - 0.5) * 2 * level)));
  });
}

/** Each frame's decision and level, and the frames skipped, on one VAD. */
async function decide(openVad: Awaited<ReturnType<typeof loadSileroVad>>, pcm: Int16Array) {
  const vad = openVad({ sampleRate: 8000 });
  const levels: string[] = [];
  for (let at = 0; at + FRAME <= pcm.length; at += FRAME)
    levels.push(await vad.speechLevel(pcm.subarray(at, at + FRAME)));
  vad.close();
  return { levels, skipped: vad.framesSkipped };
}
/**
 * The utterances: runs of `speech` frames, [first, past-last], joined across gaps of up to
 * 4 frames (128 ms: shorter than any pause that ends a turn; a frame or two of silence
 * inside a word in heavy hiss is noise either way).
 */
function utterances(levels: string[]): [number, number][] {
  const runs: [number, number][] = [];
  levels.forEach((level, i) => {
    if (level !== 'speech') return;
    const last = runs.at(-1);
    if (last && i - last[1] <= 4) last[1] = i + 1;
    else runs.push([i, i + 1]);
  });
  return runs;
}

describe('Silero with quiet frames skipping the model (the default)', () => {
  // The caller's recording: three utterances in 19 s, the rest the line between them.
  const lines = {
    'the caller, clean': { pcm: sample('caller.wav'), skipsAtLeast: 0.35 },
    'the caller, line hiss at −60 dBFS': {
      pcm: withHiss(sample('caller.wav'), -60),
      skipsAtLeast: 0.35,
    },
    'the caller, hiss at −40 dBFS': {
      pcm: withHiss(sample('caller.wav'), -40),
      skipsAtLeast: 0.35,
    },
    'an order, hiss at −50 dBFS (speech throughout: nothing to skip)': {
      pcm: withHiss(sample('order.wav'), -50),
      skipsAtLeast: 0,
    },
  };
  for (const [name, { pcm, skipsAtLeast }] of Object.entries(lines))
    it(`${name}: the same utterances as every frame run, each within 3 frames; under 3 % of frames graded otherwise`, async () => {
      const every = await decide(await loadSileroVad({ skipQuiet: false }), pcm);
      const gated = await decide(await loadSileroVad(), pcm);
      expect(every.skipped).toBe(0);
      expect(gated.skipped / gated.levels.length).toBeGreaterThanOrEqual(skipsAtLeast);
      // The model's state stands still over skipped frames: after a long quiet it may call
      // the next word a frame or three sooner; it hears every word, and no other.
      const expected = utterances(every.levels);
      const runs = utterances(gated.levels);
      expect(runs).toHaveLength(expected.length);
      runs.forEach(([first, end], i) => {
        expect(Math.abs(first - expected[i]![0])).toBeLessThanOrEqual(3);
        expect(Math.abs(end - expected[i]![1])).toBeLessThanOrEqual(3);
      });
      const differ = every.levels.filter((level, i) => level !== gated.levels[i]).length;
      expect(differ / every.levels.length).toBeLessThanOrEqual(0.03);
    }, 60_000);
});

describe('QuietGate', () => {
  const level = (dbfs: number) =>
    Int16Array.from({ length: FRAME }, (_, i) =>
      Math.round(32768 * Math.SQRT2 * 10 ** (dbfs / 20) * Math.sin((2 * Math.PI * 300 * i) / 8000)),
    );
  const gateRun = (gate: QuietGate, frames: Int16Array[], probability = 0.01) =>
    frames.map((frame) => {
      const skipped = gate.skips(frame);
      if (!skipped) gate.heard(probability);
      return skipped ? 's' : 'r';
    });

  it('skips frames near the floor once the model found `hold` of them quiet, never one above the margin', () => {
    const gate = new QuietGate(6, 3, 0.2);
    const quiet = level(-60);
    const loud = level(-30);
    expect(
      gateRun(gate, [quiet, quiet, quiet, quiet, quiet, loud, quiet, quiet, quiet, quiet]).join(''),
    ).toBe('rrrssrrrrs'.slice(0, 5) + 'rrrrs');
  });

  it('keeps running while the model hears anything near a suspicion, and after a reset', () => {
    const gate = new QuietGate(6, 2, 0.2);
    const quiet = level(-60);
    expect(gateRun(gate, [quiet, quiet, quiet, quiet], 0.3).join('')).toBe('rrrr');
    expect(gateRun(gate, [quiet, quiet, quiet]).join('')).toBe('rrs');
    gate.reset();
    expect(gateRun(gate, [quiet, quiet, quiet]).join('')).toBe('rrs');
  });
});
