import { type SpeechPiece, sentences, speakBySentence, textPieces } from '@psrkit/pipeline';
import {
  connect,
  finalize,
  ignoreElements,
  merge,
  type Observable,
  ReplaySubject,
  type Subscription,
  tap,
} from 'rxjs';

/** A sentence whose synthesis may have started before its turn. */
interface Ahead {
  readonly sentence: string;
  readonly audio: ReplaySubject<Int16Array>;
  subscription?: Subscription;
}

/** Sentences in order; the first `lookahead` not yet spoken are synthesised early. */
class Lookahead {
  private readonly queue: Ahead[] = [];
  private readonly started = new Set<Ahead>();

  constructor(
    private readonly synthesize: (sentence: string) => Observable<Int16Array>,
    private readonly lookahead: number,
  ) {}

  /** A sentence was cut from the text: queued, started if within the lookahead. */
  add(sentence: string): void {
    this.queue.push({ sentence, audio: new ReplaySubject() });
    this.startAhead();
  }

  /** Its turn has come: its audio, from the start (started now if it was not). */
  take(sentence: string): Observable<Int16Array> {
    const next = this.queue[0]?.sentence === sentence ? this.queue.shift() : undefined;
    // The two cuts of the same text agree (`sentences` is pure); should they not, speak it now.
    if (!next) return this.synthesize(sentence);
    this.start(next);
    this.startAhead();
    return next.audio;
  }

  /** Stops every synthesis started (the speech was cancelled or is over). */
  cancel(): void {
    for (const ahead of this.started) ahead.subscription?.unsubscribe();
    this.started.clear();
  }

  private startAhead(): void {
    for (const ahead of this.queue.slice(0, this.lookahead)) this.start(ahead);
  }

  private start(ahead: Ahead): void {
    if (ahead.subscription) return;
    this.started.add(ahead);
    // Once done, nothing is left to cancel (its audio stays with its subject until spoken).
    const done = () => this.started.delete(ahead);
    ahead.subscription = this.synthesize(ahead.sentence).subscribe({
      next: (samples) => ahead.audio.next(samples),
      error: (error: unknown) => {
        done();
        ahead.audio.error(error);
      },
      complete: () => {
        done();
        ahead.audio.complete();
      },
    });
  }
}

/**
 * `speakBySentence` for an engine slow to answer but able to work on several texts at
 * once: the text is cut at sentence ends, and the `lookahead` sentences after the one
 * being synthesised are ordered already, so each is ready (or nearly) when its turn comes.
 * Estimated word timings, cold, and unsubscribing cancels every synthesis started.
 */
export function speakAhead(
  text: string | Observable<string>,
  synthesize: (sentence: string) => Observable<Int16Array>,
  sampleRate: number,
  lookahead: number,
): Observable<SpeechPiece> {
  if (lookahead === 0) return speakBySentence(text, synthesize, sampleRate);
  return textPieces(text).pipe(
    connect((shared) => {
      const ahead = new Lookahead(synthesize, lookahead);
      return merge(
        // Subscribed first: each sentence is queued before the speech below asks for it.
        shared.pipe(
          sentences(),
          tap((sentence) => ahead.add(sentence)),
          ignoreElements(),
        ),
        speakBySentence(shared, (sentence) => ahead.take(sentence), sampleRate),
      ).pipe(finalize(() => ahead.cancel()));
    }),
  );
}
