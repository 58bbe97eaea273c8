/**
 * A pause in the caller's speech being weighed: everything they said since their last turn,
 * and the silence that would end their turn — which fails once they speak again.
 */
export interface PauseAttempt {
  /** The caller's audio since the end of their last turn, this pause's segment last. */
  readonly audio: Int16Array;
  /** Resolves when the silence rule ends the turn; rejects when the caller goes on first. */
  readonly silence: Promise<void>;
  /**
   * Resolves after the shorter silence that ends a turn whose words read complete; rejects
   * when the caller goes on first.
   */
  readonly shortSilence: Promise<void>;
  /** The caller went on before the turn was confirmed. */
  readonly dropped: boolean;
}

/** Where the listening is. */
type Phase =
  | { readonly name: 'idle' }
  | {
      readonly name: 'pausing';
      readonly attempt: PauseAttempt & { dropped: boolean };
      /** Silence heard since the pause, ms of audio. */
      silentMs: number;
      readonly done: () => void;
      readonly shortDone: () => void;
      readonly fail: (reason: Error) => void;
    };

/**
 * The caller's side of turn-taking between pauses: each pause (`earlyMs` of silence) starts
 * an attempt holding all they said since their last turn; the attempt's `silence` confirms
 * the turn after `turnEndMs` of silence in all, unless they speak again first
 * (`callerSpoke`), which drops it and keeps their words for the next pause. Silence is
 * counted in the call's audio (`heard`), not on a clock: a busy machine decides the same.
 */
export class TurnListening {
  private phase: Phase = { name: 'idle' };
  private said: Int16Array[] = [];

  constructor(
    /** Silence after which work on a turn starts, ms. */
    readonly earlyMs: number,
    /** Silence after which a turn is over, ms. */
    private readonly turnEndMs: number,
    /** Silence after which a turn whose words read complete is over, ms. */
    private readonly completeTurnEndMs: number = turnEndMs,
  ) {}

  /** A pause after `segment`: a new attempt. */
  pause(segment: Int16Array): PauseAttempt {
    this.callerSpoke(); // an attempt still open is over
    this.said.push(segment);
    const audio = concatenate(this.said);
    const [silence, done, failLong] = settable();
    const [shortSilence, shortDone, failShort] = settable();
    const fail = (reason: Error) => {
      failLong(reason);
      failShort(reason);
    };
    const attempt = { audio, silence, shortSilence, dropped: false };
    this.phase = { name: 'pausing', attempt, silentMs: 0, done, shortDone, fail };
    this.heard(0);
    return attempt;
  }

  /** `ms` more of the caller's audio arrived (silence, unless `callerSpoke` follows). */
  heard(ms: number): void {
    if (this.phase.name !== 'pausing') return;
    this.phase.silentMs += ms;
    if (this.phase.silentMs >= this.completeTurnEndMs - this.earlyMs) this.phase.shortDone();
    if (this.phase.silentMs >= this.turnEndMs - this.earlyMs) this.phase.done();
  }

  /** The caller spoke: the attempt open (if any) is dropped; their words wait for the next pause. */
  callerSpoke(): void {
    if (this.phase.name !== 'pausing') return;
    this.phase.attempt.dropped = true;
    this.phase.fail(new Error('the caller went on'));
    this.phase = { name: 'idle' };
  }

  /** The attempt's turn is over (answered, or nothing in it): the next starts afresh. */
  confirmed(): void {
    this.phase = { name: 'idle' };
    this.said = [];
  }

  /** Stops: an open attempt is dropped. */
  stop(): void {
    this.callerSpoke();
  }
}

/** A promise with its settlers; a rejection nobody waits on is not unhandled. */
function settable(): [Promise<void>, () => void, (reason: Error) => void] {
  let resolve!: () => void;
  let reject!: (reason: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return [promise, resolve, reject];
}

/** Segments of audio, one after the other. */
function concatenate(segments: readonly Int16Array[]): Int16Array {
  if (segments.length === 1) return segments[0]!;
  const all = new Int16Array(segments.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const segment of segments) {
    all.set(segment, at);
    at += segment.length;
  }
  return all;
}
