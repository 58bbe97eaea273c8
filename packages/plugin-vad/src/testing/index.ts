/**
 * Conformance kit for VAD engines: `describeVadConformance(openVad, vitest, { recording })`
 * registers a suite that any `OpenVad` (the WebRTC VAD, Silero, yours) runs against itself.
 */
import type { AudioFrame } from '@psrkit/pipeline';
import type { TestApi } from '@psrkit/pipeline/testing';
import { from, lastValueFrom, toArray } from 'rxjs';
import { detectTurns, type TurnEvent } from '../detect-turns.js';
import type { OpenVad } from '../vad.js';

/** Options of {@link describeVadConformance}: a recording whose turns are known. */
export interface VadConformanceOptions {
  /** 8 kHz mono speech with pauses of a second or more between its utterances. */
  readonly recording: Int16Array;
  /** How many utterances it holds: `detectTurns` must find exactly these. */
  readonly turns: number;
}

const RATE = 8000;

/** 20 ms frames of `samples` at 8 kHz on side `a`. */
function framesOf(samples: Int16Array): AudioFrame[] {
  const frames: AudioFrame[] = [];
  for (let at = 0; at < samples.length; at += RATE / 50)
    frames.push({
      samples: samples.slice(at, at + RATE / 50),
      sampleRate: RATE,
      channel: 'a',
      startSample: at,
    });
  return frames;
}

/** Deterministic white noise, `rms` in sample units. */
function hiss(length: number, rms: number): Int16Array {
  let state = 7;
  return Int16Array.from({ length }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return Math.round((state / 2 ** 32 - 0.5) * 2 * rms * Math.sqrt(3));
  });
}

const decide = async (vad: ReturnType<OpenVad>, samples: Int16Array): Promise<boolean[]> => {
  const answers: boolean[] = [];
  for (let at = 0; at + vad.frameSamples <= samples.length; at += vad.frameSamples)
    answers.push(await vad.isSpeech(samples.subarray(at, at + vad.frameSamples)));
  return answers;
};

/** A VAD's graded decisions on `samples`, frame by frame (it has `speechLevel`). */
const grade = async (vad: ReturnType<OpenVad>, samples: Int16Array): Promise<string[]> => {
  const levels: string[] = [];
  for (let at = 0; at + vad.frameSamples <= samples.length; at += vad.frameSamples)
    levels.push(await vad.speechLevel!(samples.subarray(at, at + vad.frameSamples)));
  return levels;
};

/** Checks a VAD engine against the contract `detectTurns` relies on: rates and frame lengths, typed errors, speech heard and silence not, `reset()` and instances' own state, the right number of turns in a recording, and — for an engine with graded decisions — `speech` exactly where `isSpeech` says so. */
export function describeVadConformance(
  openVad: OpenVad,
  { describe, it, expect }: TestApi,
  options: VadConformanceOptions,
): void {
  const turnsOf = (samples: Int16Array): Promise<TurnEvent[]> =>
    lastValueFrom(from(framesOf(samples)).pipe(detectTurns({ openVad }), toArray()));

  describe('VAD conformance', () => {
    it('opens at 8 kHz with a frame of 10 to 64 ms', () => {
      const vad = openVad({ sampleRate: RATE });
      expect(vad.sampleRate).toBe(RATE);
      expect(Number.isInteger(vad.frameSamples)).toBe(true);
      expect(vad.frameSamples).toBeGreaterThanOrEqual(RATE / 100);
      expect(vad.frameSamples).toBeLessThanOrEqual((RATE * 64) / 1000);
      vad.close();
    });

    it('refuses a rate it cannot take, a frame of the wrong length and use after close, with VadError codes', async () => {
      const refused = async () => openVad({ sampleRate: 11025 });
      await expect(refused()).rejects.toMatchObject({ name: 'VadError', code: 'INVALID_OPTION' });
      const vad = openVad({ sampleRate: RATE });
      const wrong = async () => vad.isSpeech(new Int16Array(vad.frameSamples + 1));
      await expect(wrong()).rejects.toMatchObject({ name: 'VadError', code: 'INVALID_FRAME' });
      vad.close();
      const closed = async () => vad.isSpeech(new Int16Array(vad.frameSamples));
      await expect(closed()).rejects.toMatchObject({ name: 'VadError', code: 'CLOSED' });
    });

    it('hears speech in the recording and none in digital silence', async () => {
      const vad = openVad({ sampleRate: RATE });
      const speech = await decide(vad, options.recording);
      vad.reset();
      const silence = await decide(vad, new Int16Array(RATE * 2));
      vad.close();
      expect(speech.filter(Boolean).length).toBeGreaterThan(speech.length / 10);
      expect(silence.filter(Boolean)).toEqual([]);
    });

    it('gives the same answers after reset, and each instance its own state', async () => {
      const a = openVad({ sampleRate: RATE });
      const b = openVad({ sampleRate: RATE });
      const first = await decide(a, options.recording.subarray(0, RATE * 3));
      await decide(b, hiss(RATE, 2000)); // b's history must not leak into a
      a.reset();
      expect(await decide(a, options.recording.subarray(0, RATE * 3))).toEqual(first);
      a.close();
      b.close();
    });

    it(`finds the recording's ${options.turns} turns through detectTurns, in order`, async () => {
      const events = await turnsOf(options.recording);
      const types = events.map((e) => e.type);
      expect(types).toEqual(
        Array.from({ length: options.turns }, () => ['speech-start', 'speech-end']).flat(),
      );
      const atMs = events.map((e) => e.atMs);
      expect(atMs).toEqual([...atMs].sort((x, y) => x - y));
    });

    it('starts no turn in digital silence', async () => {
      expect(await turnsOf(new Int16Array(RATE * 3))).toEqual([]);
    });

    const probe = openVad({ sampleRate: RATE });
    const graded = probe.speechLevel !== undefined;
    probe.close();
    if (graded)
      it('graded decisions: speech exactly where isSpeech hears it, maybe only where it does not', async () => {
        const [a, b] = [openVad({ sampleRate: RATE }), openVad({ sampleRate: RATE })];
        // Side by side: an engine that batches its instances serves both at once.
        const [levels, voiced] = await Promise.all([
          grade(a, options.recording),
          decide(b, options.recording),
        ]);
        a.close();
        b.close();
        expect(levels.map((level) => level === 'speech')).toEqual(voiced);
        expect(levels.every((level) => ['speech', 'maybe', 'silence'].includes(level))).toBe(true);
      });
  });
}
