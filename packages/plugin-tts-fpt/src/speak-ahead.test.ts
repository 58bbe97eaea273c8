import type { SpeechPiece } from '@psrkit/pipeline';
import { defer, finalize, lastValueFrom, Subject, Subscription, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { speakAhead } from './speak-ahead.js';

/** A synthesis the test finishes by hand: which sentences started, which were cancelled. */
function handSynthesis() {
  const started: string[] = [];
  const cancelled: string[] = [];
  const pending = new Map<string, Subject<Int16Array>>();
  const synthesize = (sentence: string) =>
    defer(() => {
      started.push(sentence);
      const subject = new Subject<Int16Array>();
      pending.set(sentence, subject);
      let done = false;
      return subject.pipe(
        tap({ complete: () => (done = true) }),
        finalize(() => {
          if (!done) cancelled.push(sentence);
        }),
      );
    });
  const finish = (sentence: string, samples: number) => {
    const subject = pending.get(sentence)!;
    subject.next(new Int16Array(samples).fill(1000));
    subject.complete();
  };
  return { started, cancelled, synthesize, finish };
}

const TEXT =
  'First sentence here. Second sentence here. Third sentence here. Fourth sentence here.';
const [S1, S2, S3, S4] = TEXT.match(/[^.]+\./g)!.map((s) => s.trim()) as [
  string,
  string,
  string,
  string,
];

describe('speakAhead', () => {
  it('starts the next sentences while the first is synthesised, and speaks them in order', async () => {
    const hand = handSynthesis();
    const pieces: SpeechPiece[] = [];
    const done = lastValueFrom(speakAhead(TEXT, hand.synthesize, 8000, 2).pipe(toArray()));
    expect(hand.started).toEqual([S1, S2, S3]);
    // The third is ready before the first: nothing comes out of order.
    hand.finish(S3, 300);
    hand.finish(S2, 200);
    expect(hand.started).toEqual([S1, S2, S3]);
    hand.finish(S1, 100);
    expect(hand.started).toEqual([S1, S2, S3, S4]);
    hand.finish(S4, 400);
    pieces.push(...(await done));
    const audio = pieces.flatMap((p) => (p.type === 'audio' ? [p.samples.length] : []));
    expect(audio).toEqual([100, 200, 300, 400]);
    const words = pieces.flatMap((p) => (p.type === 'words' ? p.words : []));
    expect(words.map((w) => w.text).join(' ')).toBe(TEXT);
    expect(words.at(-1)?.endMs).toBeCloseTo((1000 * 1000) / 8000);
  });

  it('with no lookahead, starts each sentence only when its turn comes', async () => {
    const hand = handSynthesis();
    const done = lastValueFrom(speakAhead(TEXT, hand.synthesize, 8000, 0).pipe(toArray()));
    expect(hand.started).toEqual([S1]);
    hand.finish(S1, 10);
    expect(hand.started).toEqual([S1, S2]);
    hand.finish(S2, 10);
    hand.finish(S3, 10);
    hand.finish(S4, 10);
    expect((await done).filter((p) => p.type === 'audio')).toHaveLength(4);
  });

  it('cancels every synthesis started when unsubscribed', () => {
    const hand = handSynthesis();
    const subscription = new Subscription();
    subscription.add(speakAhead(TEXT, hand.synthesize, 8000, 2).subscribe());
    hand.finish(S2, 10);
    subscription.unsubscribe();
    expect(hand.cancelled.sort()).toEqual([S1, S3].sort());
  });

  it('takes text in pieces, as a model streams it, and orders each sentence once', async () => {
    const hand = handSynthesis();
    const text = new Subject<string>();
    const done = lastValueFrom(speakAhead(text, hand.synthesize, 8000, 2).pipe(toArray()));
    text.next('First sentence ');
    expect(hand.started).toEqual([]);
    text.next('here. Second sentence here.');
    // A sentence is cut once what follows shows it is over ("here." may go on: "here.5").
    expect(hand.started).toEqual([S1]);
    text.next(' Third');
    expect(hand.started).toEqual([S1, S2]);
    text.next(' sentence here.');
    text.complete();
    expect(hand.started).toEqual([S1, S2, 'Third sentence here.']);
    hand.finish(S1, 10);
    hand.finish(S2, 10);
    hand.finish('Third sentence here.', 10);
    expect((await done).filter((p) => p.type === 'audio')).toHaveLength(3);
  });
});
