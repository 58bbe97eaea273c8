import { describe, expect, it } from 'vitest';
import { cadenceDecision } from './cadence-decision.js';
import { CADENCE_DEFAULTS, cadenceSettings } from './cadence-options.js';
import { type SpeechTrack, startTrack, trackSpeech } from './speech-track.js';

const rules = { minWordMs: 100, betweenWordsSilenceMs: 50 };
/** Frames of 20 ms from a pattern: `v` voice, `.` silence. */
function track(pattern: string, startMs = 0): SpeechTrack {
  let t = startTrack(startMs);
  [...pattern].forEach((c, i) => {
    t = trackSpeech(
      t,
      { startMs: startMs + i * 20, endMs: startMs + i * 20 + 20, voice: c === 'v' },
      rules,
    );
  });
  return t;
}

describe('trackSpeech', () => {
  it('makes a word of a voiced run once it lasts minWordMs, and counts its voice from its start', () => {
    expect(track('..vvvv')).toMatchObject({ words: 0, voicedMs: 0, firstWordMs: undefined });
    expect(track('..vvvvv')).toMatchObject({
      words: 1,
      voicedMs: 100,
      firstWordMs: 40,
      lastWordEndMs: 140,
    });
    expect(track('..vvvvvvv..')).toMatchObject({
      words: 1,
      voicedMs: 140,
      lastWordEndMs: 180,
      nowMs: 220,
    });
  });

  it('keeps a gap shorter than betweenWordsSilenceMs inside the word, and splits on a longer one', () => {
    expect(track('vvvvv.vvvvv')).toMatchObject({ words: 1, voicedMs: 200 });
    expect(track('vvvvv...vvvvv')).toMatchObject({ words: 2, voicedMs: 200, lastWordEndMs: 260 });
  });

  it('ignores clicks: runs shorter than minWordMs count for nothing', () => {
    expect(track('vv...v...vvvv......')).toMatchObject({ words: 0, voicedMs: 0 });
  });
});

describe('cadenceDecision (Asterisk-like rules)', () => {
  const settings = cadenceSettings();
  const at = (pattern: string) => cadenceDecision(track(pattern), settings);
  const frames = (c: string, ms: number) => c.repeat(ms / 20);

  it('silence: no word within initialSilenceMs', () => {
    expect(at(frames('.', 2480))).toBeUndefined();
    expect(at(frames('.', 2500))).toEqual({ kind: 'silence', cause: 'initial-silence' });
  });

  it('a person: a greeting, then afterGreetingSilenceMs of silence; sure under shortGreetingMs', () => {
    const alo = frames('.', 400) + frames('v', 500);
    expect(at(alo + frames('.', 780))).toBeUndefined();
    expect(at(alo + frames('.', 800))).toEqual({
      kind: 'human',
      cause: 'short-greeting',
      sure: true,
    });
    const longer = frames('v', 1400) + frames('.', 800);
    expect(at(longer)).toEqual({ kind: 'human', cause: 'short-greeting', sure: false });
  });

  it('a machine: more than greetingMs of voice, or more than maxWords words', () => {
    expect(at(frames('v', 2380))).toBeUndefined();
    expect(at(frames('v', 2400))).toEqual({ kind: 'machine', cause: 'long-greeting' });
    const word = frames('v', 120) + frames('.', 60);
    expect(at(word.repeat(7))).toBeUndefined();
    expect(at(word.repeat(8))).toEqual({ kind: 'machine', cause: 'max-words' });
  });

  it('unknown once totalAnalysisMs passes undecided', () => {
    const s = cadenceSettings({ totalAnalysisMs: 1000, initialSilenceMs: 5000 });
    expect(cadenceDecision(track(frames('.', 1000)), s)).toEqual({
      kind: 'unknown',
      cause: 'timeout',
    });
  });

  it('has Asterisk-like defaults, and refuses options out of range', () => {
    expect(CADENCE_DEFAULTS).toMatchObject({
      initialSilenceMs: 2500,
      afterGreetingSilenceMs: 800,
      minWordMs: 100,
      betweenWordsSilenceMs: 50,
    });
    expect(() => cadenceSettings({ greetingMs: -1 })).toThrow(
      expect.objectContaining({ name: 'AnswerDetectError', code: 'INVALID_OPTION' }),
    );
    expect(() => cadenceSettings({ silenceThresholdDbfs: 3 })).toThrow(/silenceThresholdDbfs/);
  });
});
