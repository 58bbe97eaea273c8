import { describe, expect, it } from 'vitest';
import { arbitrate, type Findings } from './arbitrate.js';
import type { PhraseReading } from './match-phrases.js';
import { transcriptDecision } from './transcript-decision.js';

const phrase = {
  phrase: 'đang bận',
  language: 'vi',
  kind: 'announcement' as const,
  wordsMatched: 2,
};
const busy: PhraseReading = {
  words: 12,
  decision: { kind: 'announcement', announcement: 'busy', phrase, exact: true },
};
const vague: PhraseReading = {
  words: 6,
  decision: { kind: 'announcement', announcement: 'other', phrase, exact: true },
};
const open = { utteranceEnded: false, last: false };
const ended = { utteranceEnded: true, last: false };

describe('transcriptDecision', () => {
  it('a specific, exact phrase decides at once; a vague or approximate one waits for the end', () => {
    expect(transcriptDecision(busy, open, 9)).toMatchObject({
      kind: 'announcement',
      cause: 'phrase',
      announcement: 'busy',
    });
    expect(transcriptDecision(vague, open, 9)).toBeUndefined();
    expect(transcriptDecision(vague, ended, 9)).toMatchObject({ announcement: 'other' });
    const approximate = { ...busy, decision: { ...busy.decision!, exact: false } };
    expect(transcriptDecision(approximate, open, 9)).toBeUndefined();
    expect(transcriptDecision(approximate, { utteranceEnded: false, last: true }, 9)).toBeDefined();
  });

  it('counts words when no phrase: few after an utterance is a person, many a voicemail', () => {
    expect(transcriptDecision({ words: 4 }, ended, 9)).toEqual({
      kind: 'human',
      cause: 'few-words',
    });
    expect(transcriptDecision({ words: 4 }, open, 9)).toBeUndefined();
    expect(transcriptDecision({ words: 9 }, ended, 9)).toEqual({
      kind: 'voicemail',
      cause: 'many-words',
    });
    expect(transcriptDecision({ words: 12 }, open, 9)).toBeUndefined();
    expect(transcriptDecision({ words: 0 }, ended, 9)).toBeUndefined(); // the engine heard nothing
  });
});

const none: Findings = {
  cadence: undefined,
  beep: undefined,
  toneGoingOn: false,
  transcript: undefined,
  sttFailed: false,
  transcriptIdle: false,
  timedOut: false,
  ended: false,
};
const sureHuman = { kind: 'human', cause: 'short-greeting', sure: true } as const;
const unsureHuman = { ...sureHuman, sure: false } as const;
const machine = { kind: 'machine', cause: 'long-greeting' } as const;
const beep = { startMs: 3000, endMs: 3400, frequencyHz: 1000 };
const announced = {
  kind: 'announcement',
  cause: 'phrase',
  announcement: 'busy',
  phrase,
} as const;
const few = { kind: 'human', cause: 'few-words' } as const;

describe('arbitrate', () => {
  it('cadence: the timing decides; a long greeting is a voicemail; a beep is one at once', () => {
    expect(arbitrate('cadence', { ...none, cadence: sureHuman })).toEqual({
      kind: 'human',
      cause: 'short-greeting',
      decidedBy: 'cadence',
    });
    expect(arbitrate('cadence', { ...none, cadence: machine })).toMatchObject({
      kind: 'voicemail',
      cause: 'long-greeting',
    });
    expect(arbitrate('cadence', { ...none, beep })).toMatchObject({
      kind: 'voicemail',
      cause: 'beep',
    });
    expect(
      arbitrate('cadence', { ...none, cadence: sureHuman, toneGoingOn: true }),
    ).toBeUndefined();
    expect(arbitrate('cadence', { ...none, ended: true })).toMatchObject({
      kind: 'unknown',
      cause: 'stream-end',
    });
  });

  it('combined: sure people and silence by timing at once, the rest by the transcript', () => {
    expect(arbitrate('combined', { ...none, cadence: sureHuman })).toMatchObject({
      kind: 'human',
      decidedBy: 'cadence',
    });
    expect(arbitrate('combined', { ...none, cadence: machine })).toBeUndefined();
    expect(arbitrate('combined', { ...none, cadence: unsureHuman })).toBeUndefined();
    expect(arbitrate('combined', { ...none, cadence: machine, transcript: announced })).toEqual({
      kind: 'announcement',
      cause: 'phrase',
      announcement: 'busy',
      decidedBy: 'transcript',
    });
    expect(arbitrate('combined', { ...none, cadence: machine, transcript: few })).toMatchObject({
      kind: 'human',
      decidedBy: 'transcript',
    });
    expect(arbitrate('combined', { ...none, transcript: announced })).toMatchObject({
      kind: 'announcement',
    });
    expect(arbitrate('combined', { ...none, transcript: few })).toBeUndefined(); // the timing has not seen the pause
  });
});

describe('arbitrate: fallbacks', () => {
  it('combined: falls back to the timing when the transcript fails, says nothing, or is late', () => {
    for (const late of [
      { sttFailed: true },
      { transcriptIdle: true },
      { timedOut: true },
      { ended: true },
    ]) {
      expect(arbitrate('combined', { ...none, cadence: machine, ...late })).toMatchObject({
        kind: 'voicemail',
        cause: 'long-greeting',
      });
      expect(arbitrate('combined', { ...none, cadence: unsureHuman, ...late })).toMatchObject({
        kind: 'human',
        decidedBy: 'cadence',
      });
    }
    expect(arbitrate('combined', { ...none, timedOut: true })).toMatchObject({
      kind: 'unknown',
      cause: 'timeout',
    });
  });

  it('transcript: only the transcript decides, but silence is silence', () => {
    expect(arbitrate('transcript', { ...none, cadence: sureHuman })).toBeUndefined();
    expect(
      arbitrate('transcript', { ...none, cadence: { kind: 'silence', cause: 'initial-silence' } }),
    ).toMatchObject({ kind: 'silence' });
    expect(arbitrate('transcript', { ...none, sttFailed: true })).toEqual({
      kind: 'unknown',
      cause: 'stt-failed',
      decidedBy: 'transcript',
    });
    expect(arbitrate('transcript', { ...none, beep })).toBeUndefined();
  });
});
