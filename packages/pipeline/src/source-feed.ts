import { type Observable, Subscription } from 'rxjs';

/** Where a stream's pieces go once it plays. */
export interface FeedTarget {
  /** A source piece. */
  samples(samples: Int16Array): void;
  /** The source has given everything. */
  end(): void;
  /** The source failed. */
  error(error: unknown): void;
}

/**
 * A stream's subscription to its source. `idle`: not subscribed yet. `holding`: subscribed
 * early (a prefetch) and keeping what the source gives until the stream starts.
 * `flowing`: the stream has started, pieces go straight through.
 */
export type FeedState =
  | { readonly phase: 'idle' }
  | {
      readonly phase: 'holding';
      readonly subscription: Subscription;
      readonly pieces: Int16Array[];
      ended: boolean;
    }
  | { readonly phase: 'flowing'; readonly subscription: Subscription };

/**
 * The source side of a stream: subscribes when the stream starts, or earlier when the
 * line asks it to prefetch (a TTS then synthesises while the item before plays), and
 * hands the pieces on in order. A class: three entry points (prefetch, start, close) move
 * one subscription through its phases.
 */
export class SourceFeed {
  private state: FeedState = { phase: 'idle' };

  constructor(
    private readonly pcm$: Observable<Int16Array>,
    private readonly to: FeedTarget,
  ) {}

  /** True once subscribed (by a prefetch or a start), even after `close`. */
  get subscribed(): boolean {
    return this.state.phase !== 'idle';
  }

  /** Subscribes now and keeps what the source gives until `start`. Once only. */
  prefetch(): void {
    if (this.state.phase !== 'idle') return;
    const pieces: Int16Array[] = [];
    const subscription = new Subscription();
    const holding: FeedState = { phase: 'holding', subscription, pieces, ended: false };
    this.state = holding;
    this.subscribe(subscription, {
      samples: (samples) =>
        this.state === holding ? pieces.push(samples) : this.to.samples(samples),
      end: () => {
        if (this.state === holding) holding.ended = true;
        else this.to.end();
      },
    });
  }

  /** Pieces go through from now on: what a prefetch kept first, in order, then its end. */
  start(): void {
    const state = this.state;
    if (state.phase === 'flowing') return;
    if (state.phase === 'idle') {
      const subscription = new Subscription();
      this.state = { phase: 'flowing', subscription };
      this.subscribe(subscription, {
        samples: (s) => this.to.samples(s),
        end: () => this.to.end(),
      });
      return;
    }
    this.state = { phase: 'flowing', subscription: state.subscription };
    for (const samples of state.pieces.splice(0)) this.to.samples(samples);
    if (state.ended) this.to.end();
  }

  /** Unsubscribes from the source (a prefetch that never started included). */
  close(): void {
    if (this.state.phase !== 'idle') this.state.subscription.unsubscribe();
  }

  private subscribe(
    subscription: Subscription,
    on: { samples(samples: Int16Array): void; end(): void },
  ): void {
    // Known before subscribing: a synchronous source may end or stop the stream at once,
    // and the subscription added to a closed one is unsubscribed at once.
    subscription.add(
      this.pcm$.subscribe({
        next: (samples) => on.samples(samples),
        error: (error: unknown) => this.to.error(error),
        complete: () => on.end(),
      }),
    );
  }
}
