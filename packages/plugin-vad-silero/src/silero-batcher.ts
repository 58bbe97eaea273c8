import { VadError } from '@psrkit/plugin-vad';
import {
  type SileroItem,
  type SileroModel,
  type SileroStream,
  SileroStreamState,
} from './silero-inference.js';

/**
 * How `loadSileroVad({ batch })` gathers the frames of many calls into one inference: a
 * frame waits at most `windowMs` for others to join it.
 */
export interface SileroBatchOptions {
  /**
   * The longest a frame waits for others to join its batch, ms (default 16: half a 32 ms
   * frame). A batch runs sooner when every open stream has a frame waiting (so a lone
   * call waits not at all) or when `maxSize` frames wait.
   */
  readonly windowMs?: number;
  /** Frames per inference at most (default 64): a bigger batch holds the event loop longer. */
  readonly maxSize?: number;
}

/** A frame waiting for its batch (the stream's next item), and who wants its answer. */
interface Waiting extends SileroItem {
  readonly since: number;
  readonly resolve: (probability: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One stream in the batcher: its model state, its frame waiting or being run, and whether
 * it let a quiet frame skip the model since the last run (it has no frame to wait for).
 */
interface Member {
  readonly stream: SileroStreamState;
  waiting: Waiting | undefined;
  running: boolean;
  passed: boolean;
}

/** The batcher: nothing waits, a timer runs the batch at the oldest frame's deadline, or a run is on. */
type BatcherPhase =
  | { readonly phase: 'idle' }
  | { readonly phase: 'gathering'; readonly timer: ReturnType<typeof setTimeout> }
  | { readonly phase: 'running' };

/**
 * Runs the Silero model for many streams at once: each frame waits until every open
 * stream has one waiting (or let a quiet frame skip the model since the last run),
 * `maxSize` frames wait, or the oldest has waited `windowMs` —
 * then one inference answers them all, each stream keeping its own context and state.
 * One run at a time (the runtime runs on the main thread); frames that come during a run
 * go in the next. A stream that closes leaves at once; a failed run fails only the
 * frames in it (`VadError` `ENGINE_FAILED`).
 */
export class SileroBatcher {
  private readonly members = new Set<Member>();
  /** Members with a frame waiting. */
  private waiting = 0;
  /** Members with a frame waiting or that passed since the last run: the run needs no more from them. */
  private ready = 0;
  private state: BatcherPhase = { phase: 'idle' };
  private readonly windowMs: number;
  private readonly maxSize: number;

  constructor(
    private readonly model: Pick<SileroModel, 'shape' | 'run'>,
    options: SileroBatchOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 16;
    this.maxSize = options.maxSize ?? 64;
  }

  /** A new stream in the batch: `run` one frame at a time, `close` to leave. */
  open(): SileroStream & { close(): void } {
    const member: Member = {
      stream: new SileroStreamState(this.model.shape),
      waiting: undefined,
      running: false,
      passed: false,
    };
    this.members.add(member);
    return {
      run: (frame) => this.submit(member, frame),
      skip: (frame) => this.pass(member, frame),
      reset: () => member.stream.clear(),
      close: () => this.leave(member),
    };
  }

  private submit(member: Member, frame: Int16Array): Promise<number> {
    if (!this.members.has(member))
      return Promise.reject(new VadError('CLOSED', 'this VAD was closed'));
    if (member.waiting || member.running)
      return Promise.reject(
        new VadError('INVALID_FRAME', 'a stream runs one frame at a time, in order'),
      );
    return new Promise((resolve, reject) => {
      const { stream } = member;
      member.waiting = { stream, frame, since: performance.now(), resolve, reject };
      this.waiting++;
      if (!member.passed) this.ready++;
      this.schedule();
    });
  }

  /**
   * A quiet frame that skips the model: it becomes the stream's context, and the stream
   * has nothing for the next run, which then need not wait for it.
   */
  private pass(member: Member, frame: Int16Array): void {
    if (member.waiting || member.running)
      throw new VadError('INVALID_FRAME', 'a stream runs one frame at a time, in order');
    member.stream.skip(frame);
    if (!this.members.has(member) || member.passed) return;
    member.passed = true;
    this.ready++;
    this.schedule();
  }

  /** Leaves at once: a frame still waiting is refused (`CLOSED`), the others go on without it. */
  private leave(member: Member): void {
    if (!this.members.delete(member)) return;
    if (member.waiting || member.passed) this.ready--;
    if (member.waiting) {
      member.waiting.reject(new VadError('CLOSED', 'this VAD was closed'));
      member.waiting = undefined;
      this.waiting--;
    }
    this.schedule();
  }

  /** Runs now, sets the deadline timer, or waits for the run on to end. */
  private schedule(): void {
    const { state } = this;
    if (state.phase === 'running') return;
    const full = this.ready === this.members.size || this.waiting >= this.maxSize;
    if (this.waiting > 0 && !full) {
      if (state.phase === 'idle') this.gather();
      return;
    }
    if (state.phase === 'gathering') clearTimeout(state.timer);
    this.state = { phase: 'idle' };
    if (this.waiting > 0) void this.run();
  }

  /** The oldest waiting frame's deadline, then a run of whatever waits by then. */
  private gather(): void {
    let oldest = Number.POSITIVE_INFINITY;
    for (const m of this.members) if (m.waiting) oldest = Math.min(oldest, m.waiting.since);
    const wait = Math.max(0, oldest + this.windowMs - performance.now());
    const timer = setTimeout(() => {
      this.state = { phase: 'idle' };
      if (this.waiting > 0) void this.run();
    }, wait);
    this.state = { phase: 'gathering', timer };
  }

  /** One inference for the frames waiting (up to `maxSize`, in the order the streams opened). */
  private async run(): Promise<void> {
    this.state = { phase: 'running' };
    const members: Member[] = [];
    const batch: Waiting[] = [];
    for (const member of this.members) {
      if (member.passed) {
        member.passed = false;
        if (!member.waiting) this.ready--;
      }
      if (!member.waiting || batch.length === this.maxSize) continue;
      members.push(member);
      batch.push(member.waiting);
      member.waiting = undefined;
      member.running = true;
      this.waiting--;
      this.ready--;
    }
    try {
      const answers = await this.model.run(batch);
      for (let i = 0; i < batch.length; i++) {
        members[i]!.running = false;
        batch[i]!.resolve(answers[i]!);
      }
    } catch (error) {
      for (let i = 0; i < batch.length; i++) {
        members[i]!.running = false;
        batch[i]!.reject(error);
      }
    }
    this.state = { phase: 'idle' };
    this.schedule();
  }
}
