import { Observable, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SourceFeed } from './source-feed.js';

/** A feed on `source$`, and the log of what it handed on. */
function feedOn(source$: Observable<Int16Array>) {
  const log: string[] = [];
  const feed = new SourceFeed(source$, {
    samples: (samples) => log.push(`samples ${samples[0]}`),
    end: () => log.push('end'),
    error: (error) => log.push(`error ${(error as Error).message}`),
  });
  return { feed, log };
}
const piece = (value: number) => Int16Array.of(value);

describe('SourceFeed: a stream’s subscription to its source', () => {
  it('subscribes at start and hands pieces on as they come', () => {
    const source = new Subject<Int16Array>();
    const { feed, log } = feedOn(source);
    expect(source.observed).toBe(false);
    feed.start();
    source.next(piece(1));
    source.complete();
    expect(log).toEqual(['samples 1', 'end']);
  });

  it('a prefetch keeps what comes until start, then hands it on in order, and the end after it', () => {
    const source = new Subject<Int16Array>();
    const { feed, log } = feedOn(source);
    feed.prefetch();
    source.next(piece(1));
    source.next(piece(2));
    source.complete();
    expect(log).toEqual([]);
    feed.start();
    expect(log).toEqual(['samples 1', 'samples 2', 'end']);
  });

  it('after a prefetch and start, later pieces go straight through; a second prefetch or start does nothing', () => {
    let subscriptions = 0;
    const source = new Subject<Int16Array>();
    const counted = new Observable<Int16Array>((s) => {
      subscriptions++;
      return source.subscribe(s);
    });
    const { feed, log } = feedOn(counted);
    feed.prefetch();
    feed.prefetch();
    source.next(piece(1));
    feed.start();
    feed.start();
    source.next(piece(2));
    expect(log).toEqual(['samples 1', 'samples 2']);
    expect(subscriptions).toBe(1);
  });

  it('close unsubscribes, a prefetch that never started included', () => {
    const source = new Subject<Int16Array>();
    const { feed } = feedOn(source);
    feed.close(); // nothing to close yet
    feed.prefetch();
    expect(source.observed).toBe(true);
    feed.close();
    expect(source.observed).toBe(false);
    expect(feed.subscribed).toBe(true);
  });

  it('a synchronous source that stops the stream on its first piece is unsubscribed at once', () => {
    let torn = false;
    const source = new Observable<Int16Array>((s) => {
      s.next(piece(1));
      s.next(piece(2));
      return () => {
        torn = true;
      };
    });
    const log: string[] = [];
    const feed: SourceFeed = new SourceFeed(source, {
      samples: (samples) => {
        log.push(`samples ${samples[0]}`);
        feed.close();
      },
      end: () => log.push('end'),
      error: () => log.push('error'),
    });
    feed.start();
    expect(torn).toBe(true);
    expect(log).toEqual(['samples 1', 'samples 2']); // a synchronous source runs on regardless
  });

  it('passes the source’s error on', () => {
    const source = new Subject<Int16Array>();
    const { feed, log } = feedOn(source);
    feed.start();
    source.error(new Error('tts down'));
    expect(log).toEqual(['error tts down']);
  });
});
