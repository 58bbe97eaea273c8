import { describe, expect, it } from 'vitest';
import { type TrackedEvent, TurnTracker } from './turn-tracker.js';

/** 10 ms frames at 8 kHz, each filled with its own index (to see which frames a turn kept). */
const FRAME = 80;
const rules = {
  rate: 8000,
  frameSamples: FRAME,
  startMs: 30,
  endSilenceMs: 50,
  preRollMs: 20,
  maxTurnMs: 1000,
  suspicionMs: 50,
  onsetClearMs: 30,
} as {
  rate: number;
  frameSamples: number;
  startMs: number;
  endSilenceMs: number;
  preRollMs: number;
  maxTurnMs: number;
  suspicionMs: number;
  onsetClearMs: number;
  suspectMs?: number;
};

const LEVELS = { '1': 'speech', m: 'maybe', '0': 'silence' } as const;

/** Runs decisions (`1` speech, `m` maybe, `0` silence), one 10 ms frame each, through a tracker. */
function track(decisions: string, overrides: Partial<typeof rules> = {}) {
  const events: TrackedEvent[] = [];
  const tracker = new TurnTracker({ ...rules, ...overrides }, (event) => events.push(event));
  [...decisions].forEach((d, i) => {
    tracker.decide(new Int16Array(FRAME).fill(i), i * FRAME, LEVELS[d as keyof typeof LEVELS]);
  });
  return { events, tracker, frames: decisions.length };
}
/** Feeds decisions to a tracker from frame `from` on. */
function decideAll(tracker: TurnTracker, decisions: string, from = 0): void {
  for (const [i, d] of [...decisions].entries())
    tracker.decide(new Int16Array(FRAME), (from + i) * FRAME, LEVELS[d as keyof typeof LEVELS]);
}
const framesOf = (audio: Int16Array) =>
  Array.from({ length: Math.ceil(audio.length / FRAME) }, (_, i) => audio[i * FRAME]);

describe('TurnTracker: turns from a VAD’s decisions', () => {
  it('starts a turn after startMs of voice in a row, at the onset, with the pre-roll', () => {
    const { events } = track('0000111');
    expect(events).toEqual([{ type: 'speech-start', atMs: 40 }]);
  });

  it('a voiced run too short to start a turn starts none', () => {
    expect(track('0110110').events).toEqual([]);
  });

  it('ends a turn after endSilenceMs of silence, its audio from the pre-roll to 100 ms past the last voice', () => {
    const { events } = track(`0000111${'0'.repeat(5)}`);
    const end = events[1];
    expect(end).toMatchObject({
      type: 'speech-end',
      atMs: 120,
      startMs: 20,
      reason: 'silence',
      sampleRate: 8000,
    });
    // Frames 2–3 (pre-roll), 4–6 (voice), then what the 100 ms tail keeps of the silence (5 frames).
    expect(framesOf((end as { audio: Int16Array }).audio)).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
  });

  it('ends a turn that goes on past maxTurnMs, and a new one can start after it', () => {
    const { events } = track('1'.repeat(10), { maxTurnMs: 50 });
    expect(events.map((e) => [e.type, e.atMs, e.type === 'speech-end' && e.reason])).toEqual([
      ['speech-start', 0, false],
      ['speech-end', 50, 'max-length'],
      ['speech-start', 50, false],
      ['speech-end', 100, 'max-length'],
    ]);
  });

  it('ends the turn under way when told (the stream ended), and does nothing between turns', () => {
    const { events, tracker } = track('111');
    tracker.end(300, 'stream-end');
    tracker.end(400, 'stream-end');
    expect(events.map((e) => e.type)).toEqual(['speech-start', 'speech-end']);
    expect(events[1]).toMatchObject({ atMs: 37.5, reason: 'stream-end' });
  });
});

describe('TurnTracker: suspicions (suspectMs)', () => {
  const suspect = { suspectMs: 0 }; // the first voiced frame

  it('none without suspectMs', () => {
    expect(track('0100000').events).toEqual([]);
  });

  it('a turn confirms a suspicion: speech-suspected, then speech-start at the same onset, nothing cleared', () => {
    const { events } = track(`0011100000${'0'.repeat(5)}`, suspect);
    expect(events.map((e) => `${e.type}@${e.atMs}`)).toEqual([
      'speech-suspected@20',
      'speech-start@20',
      'speech-end@100',
    ]);
  });

  it('a click is cleared at the first silent frame suspicionMs after its onset', () => {
    const { events } = track('00100000000', suspect);
    expect(events).toEqual([
      { type: 'speech-suspected', atMs: 20 },
      { type: 'suspicion-cleared', atMs: 70, suspectedAtMs: 20 },
    ]);
  });

  it('a silent frame inside suspicionMs does not clear it; each run of suspectMs after a clear raises a new one', () => {
    const { events } = track('0110110110000001110', { ...rules, suspectMs: 20, suspicionMs: 50 });
    expect(events.map((e) => `${e.type}@${e.atMs}`)).toEqual([
      'speech-suspected@10',
      'suspicion-cleared@70', // the silent frame 60–70 ms: 60 ms after the onset
      'speech-suspected@70',
      'suspicion-cleared@120',
      'speech-suspected@150',
      'speech-start@150',
    ]);
  });

  it('the stream ending clears a suspicion that is up', () => {
    const { events, tracker, frames } = track('001', suspect);
    tracker.end(frames * FRAME, 'stream-end');
    expect(events.at(-1)).toEqual({ type: 'suspicion-cleared', atMs: 30, suspectedAtMs: 20 });
  });

  it('maybe frames raise a suspicion from their onset, and neither start a turn nor clear one', () => {
    const { events } = track('00mm00000', suspect);
    expect(events).toEqual([
      { type: 'speech-suspected', atMs: 20 },
      { type: 'suspicion-cleared', atMs: 70, suspectedAtMs: 20 },
    ]);
    // A maybe run that speech follows: the suspicion from the first maybe frame, the turn
    // from the first speech frame.
    expect(track('0mm111', suspect).events.map((e) => `${e.type}@${e.atMs}`)).toEqual([
      'speech-suspected@10',
      'speech-start@30',
    ]);
  });

  it('a maybe frame is silence to a turn under way', () => {
    const { events } = track('111mmmmm');
    expect(events.map((e) => `${e.type}@${e.atMs}`)).toEqual(['speech-start@0', 'speech-end@80']);
  });

  it('an energy onset raises a suspicion ahead of the VAD; the VAD clears it after onsetClearMs of nothing', () => {
    const events: TrackedEvent[] = [];
    const tracker = new TurnTracker({ ...rules, suspectMs: 0 }, (event) => events.push(event));
    decideAll(tracker, '00');
    tracker.suspect(3 * FRAME); // the onset at 30 ms, before the VAD decided frame 2
    tracker.suspect(4 * FRAME); // one is up: nothing
    decideAll(tracker, '0000', 2); // frame 2 ended before it; 3–5 are 30 ms of nothing after it
    expect(events).toEqual([
      { type: 'speech-suspected', atMs: 30 },
      { type: 'suspicion-cleared', atMs: 60, suspectedAtMs: 30 },
    ]);
  });

  it('the VAD hearing maybe or speech after an onset keeps the suspicion to the slower rule, or confirms it', () => {
    const events: TrackedEvent[] = [];
    const tracker = new TurnTracker({ ...rules, suspectMs: 0 }, (event) => events.push(event));
    tracker.suspect(0);
    decideAll(tracker, 'm000000111');
    expect(events.map((e) => `${e.type}@${e.atMs}`)).toEqual([
      'speech-suspected@0',
      'suspicion-cleared@50', // heard (maybe): cleared by suspicionMs, not onsetClearMs
      'speech-suspected@70',
      'speech-start@70',
    ]);
  });

  it('an onset raises nothing during a turn, nor without suspectMs', () => {
    const during = track('1111');
    during.tracker.suspect(4 * FRAME);
    expect(during.events.map((e) => e.type)).toEqual(['speech-start']);
    const off = track('00');
    off.tracker.suspect(2 * FRAME);
    expect(off.events).toEqual([]);
  });
});
