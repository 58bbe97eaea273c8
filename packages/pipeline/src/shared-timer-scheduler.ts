import { performance } from 'node:perf_hooks';
import { type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';

/** The timer functions the scheduler arms (default: Node's `setTimeout`/`clearTimeout`). */
export interface TimerFunctions {
  /** Arms a timer; returns its handle. */
  set(callback: () => void, delayMs: number): unknown;
  /** Disarms a timer by its handle. */
  clear(handle: unknown): void;
}

/** Options of {@link createSharedTimerScheduler}. */
export interface SharedTimerSchedulerOptions {
  /** Current time, ms (default `performance.now()`: monotonic, sub-millisecond). */
  readonly now?: () => number;
  /** Default Node's timers; tests inject their own. */
  readonly timers?: TimerFunctions;
}

/**
 * An RxJS `SchedulerLike` that runs every action of every call from one timer: actions
 * wait in a min-heap by due time and one platform timer is armed for the earliest. With
 * hundreds of calls pacing their audio, that is one timer wake-up for all the sends that
 * fell due together instead of one timer object per call and per send.
 */
export interface SharedTimerScheduler extends SchedulerLike {
  /** Actions waiting to run. */
  readonly pending: number;
  /** Times the timer fired. */
  readonly wakes: number;
  /** Actions run. */
  readonly runs: number;
  /**
   * A view of this scheduler whose actions run inside `context` (e.g. an
   * `AsyncLocalStorage.run` that marks a call's code): one timer serves many callers,
   * so each action must be put back into its own caller's context.
   */
  within(context: <T>(work: () => T) => T): SchedulerLike;
}

type Work<T> = (this: SchedulerAction<T>, state?: T) => void;
type Context = (<R>(work: () => R) => R) | undefined;

interface Entry {
  readonly due: number;
  /** Order of scheduling, so actions due at the same time run first in, first out. */
  readonly order: number;
  readonly action: SharedAction<unknown>;
  /** The action's `generation` when this entry was made: older entries are stale. */
  readonly generation: number;
}

class SharedAction<T> extends Subscription implements SchedulerAction<T> {
  generation = 0;
  queued = false;
  state: T | undefined;

  constructor(
    private readonly owner: SharedTimers,
    private readonly work: Work<T>,
    private readonly context: Context,
  ) {
    super();
  }

  override unsubscribe(): void {
    if (!this.closed) this.owner.cancel(this as SharedAction<unknown>);
    super.unsubscribe();
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.state = state;
    this.owner.enqueue(this as SharedAction<unknown>, delay);
    return this;
  }

  run(): void {
    const run = () => this.work.call(this, this.state);
    if (this.context) this.context(run);
    else run();
  }
}

class SharedTimers implements SharedTimerScheduler {
  pending = 0;
  wakes = 0;
  runs = 0;
  readonly now: () => number;
  private readonly timers: TimerFunctions;
  private readonly heap: Entry[] = [];
  private order = 0;
  private timer: unknown;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(options: SharedTimerSchedulerOptions) {
    this.now = options.now ?? (() => performance.now());
    this.timers = options.timers ?? {
      set: (callback, delayMs) => setTimeout(callback, delayMs),
      clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
    };
  }

  schedule<T>(work: Work<T>, delay?: number, state?: T): Subscription {
    return this.scheduleIn(undefined, work, delay, state);
  }

  within(context: <R>(work: () => R) => R): SchedulerLike {
    return {
      now: this.now,
      schedule: <T>(work: Work<T>, delay?: number, state?: T) =>
        this.scheduleIn(context, work, delay, state),
    };
  }

  enqueue(action: SharedAction<unknown>, delay: number): void {
    if (!action.queued) this.pending++;
    action.queued = true;
    const entry: Entry = {
      due: this.now() + Math.max(0, delay),
      order: this.order++,
      action,
      generation: ++action.generation,
    };
    this.push(entry);
    if (entry.due < this.armedFor) this.arm(entry.due);
  }

  /** Forgets the action's entry (left in the heap, skipped when it comes up). */
  cancel(action: SharedAction<unknown>): void {
    if (!action.queued) return;
    action.queued = false;
    action.generation++;
    this.pending--;
    // Nothing left to run (every entry is stale): no timer may keep the process alive.
    if (this.pending === 0) {
      this.disarm();
      this.heap.length = 0;
    }
  }

  private disarm(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  private scheduleIn<T>(context: Context, work: Work<T>, delay = 0, state?: T): Subscription {
    return new SharedAction<T>(this, work, context).schedule(state, delay);
  }

  private arm(due: number): void {
    this.disarm();
    this.armedFor = due;
    // Timers have whole-millisecond resolution: round up so the wake is never early.
    this.timer = this.timers.set(() => this.fire(), Math.max(0, Math.ceil(due - this.now())));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    this.wakes++;
    const now = this.now();
    // Take the whole batch first: what the batch schedules runs on a later wake.
    const batch: Entry[] = [];
    while (this.heap.length > 0 && this.heap[0]!.due <= now) batch.push(this.pop()!);
    const errors: unknown[] = [];
    for (const entry of batch) {
      const { action } = entry;
      if (entry.generation !== action.generation || action.closed) continue;
      action.queued = false;
      this.pending--;
      this.runs++;
      try {
        action.run();
      } catch (error) {
        errors.push(error);
      }
    }
    this.armNext();
    // One failing action must not stop the others: each error surfaces on its own, as
    // RxJS's own schedulers surface theirs (an uncaught exception), after the batch ran.
    for (const error of errors)
      this.timers.set(() => {
        throw error;
      }, 0);
  }

  private armNext(): void {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (top.generation === top.action.generation && !top.action.closed) {
        if (top.due < this.armedFor) this.arm(top.due);
        return;
      }
      this.pop();
    }
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

const before = (a: Entry, b: Entry): boolean =>
  a.due < b.due || (a.due === b.due && a.order < b.order);

/**
 * Creates a scheduler that serves every call's timers (pacing, playback marks) from one
 * platform timer. Pass it as the `scheduler` of the pacer, the playout scheduler or a
 * transport call; `within(context)` gives each call a view that runs its actions in
 * that call's context.
 *
 * @example
 * ```ts
 * const timers = createSharedTimerScheduler();
 * const line = createPlayoutLine(sink, { scheduler: timers });
 * ```
 */
export function createSharedTimerScheduler(
  options: SharedTimerSchedulerOptions = {},
): SharedTimerScheduler {
  return new SharedTimers(options);
}
