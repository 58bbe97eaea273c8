import { randomUUID } from 'node:crypto';
import {
  type SpeechPiece,
  sentences,
  TtsError,
  textPieces,
  type WordTiming,
} from '@psrkit/pipeline';
import { createPcm16Reader, decodeBase64 } from '@psrkit/protocol';
import type { Observable, Subscriber, Subscription } from 'rxjs';
import type { CartesiaConnection, ContextListener } from './cartesia-connection.js';
import { type CartesiaFrame, type ContextMessage, readMessage } from './cartesia-message.js';
import { TimedWords } from './timed-words.js';

/** How one speech's requests are made. */
export interface ContextSettings {
  /** Every field of a generation request but `context_id`, `transcript` and `continue`. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly sampleRate: number;
  readonly timeoutMs: number;
}

/**
 * Where a speech is: waiting for the socket (its sentences queued), speaking (each sentence
 * sent as it comes, `continue: true`), ending (`continue: false` sent, the rest of the audio
 * awaited) or over.
 */
type Phase =
  | { readonly phase: 'waiting'; readonly queue: string[]; textEnded: boolean }
  | { readonly phase: 'speaking'; sent: boolean }
  | { readonly phase: 'ending' }
  | { readonly phase: 'over' };

/**
 * One `speak` as a Cartesia context on the shared socket: the text cut at sentence ends,
 * each sentence a continuation of the context, an empty `continue: false` once the text
 * ends; audio passed on as it arrives, word timestamps once their audio has; over at
 * `done`. `stop()` (unsubscribing) cancels this context, and only this one.
 */
export class CartesiaSpeech implements ContextListener {
  readonly #id = randomUUID();
  readonly #connection: CartesiaConnection;
  readonly #settings: ContextSettings;
  readonly #subscriber: Subscriber<SpeechPiece>;
  #phase: Phase = { phase: 'waiting', queue: [], textEnded: false };
  #text: Subscription | undefined;
  #timer: NodeJS.Timeout | undefined;
  #requested = false; // Cartesia has heard of this context
  #heard = false; // and has answered about it
  #samples = 0;
  readonly #pcm = createPcm16Reader(); // a sample may be split across two chunks
  readonly #words = new TimedWords();

  constructor(
    connection: CartesiaConnection,
    settings: ContextSettings,
    subscriber: Subscriber<SpeechPiece>,
  ) {
    this.#connection = connection;
    this.#settings = settings;
    this.#subscriber = subscriber;
  }

  /** Takes the text; joins the socket unless the text was over, and empty, at once. */
  start(text: string | Observable<string>): void {
    this.#text = textPieces(text)
      .pipe(sentences())
      .subscribe({
        next: (sentence) => this.#say(`${sentence} `),
        error: (error: unknown) => this.#fail(error, 'cancel'),
        complete: () => this.#endText(),
      });
    if (this.#phase.phase === 'waiting') this.#connection.attach(this.#id, this);
  }

  /** Stops: cancels the context on Cartesia if it had started there. */
  stop(): void {
    if (this.#phase.phase !== 'over') this.#end('cancel');
  }

  opened(): void {
    if (this.#phase.phase !== 'waiting') return;
    const { queue, textEnded } = this.#phase;
    this.#phase = { phase: 'speaking', sent: false };
    for (const piece of queue) this.#say(piece);
    if (textEnded) this.#endText();
  }

  message(frame: CartesiaFrame): void {
    if (this.#phase.phase === 'over') return;
    this.#heard = true;
    try {
      this.#take(readMessage(frame.body));
    } catch (error) {
      this.#fail(error, 'cancel');
    }
  }

  #take(message: ContextMessage) {
    switch (message.type) {
      case 'error':
        return this.#fail(message.error, 'quiet');
      case 'done':
        return this.#done();
      case 'chunk':
        this.#audio(message.data);
        break;
      case 'timestamps':
        this.#words.add(message.words);
        break;
    }
    this.#emit(this.#words.release(this.#ms()));
    this.#watch();
  }

  failed(error: TtsError): void {
    this.#fail(error, 'quiet');
  }

  #say(piece: string) {
    if (this.#phase.phase === 'waiting') this.#phase.queue.push(piece);
    if (this.#phase.phase !== 'speaking') return;
    this.#request(piece, true);
    this.#phase.sent = true;
    this.#watch();
  }

  #endText() {
    const phase = this.#phase;
    if (phase.phase === 'waiting') {
      phase.textEnded = true;
      if (phase.queue.length === 0) this.#complete();
    } else if (phase.phase === 'speaking') {
      if (!phase.sent) return this.#complete();
      this.#request('', false);
      this.#phase = { phase: 'ending' };
      this.#watch();
    }
  }

  #request(transcript: string, more: boolean) {
    this.#requested = true;
    this.#connection.send({
      ...this.#settings.request,
      context_id: this.#id,
      transcript,
      continue: more,
    });
  }

  #audio(data: string) {
    let samples: Int16Array;
    try {
      samples = this.#pcm.push(decodeBase64(data, '$.data'));
    } catch (error) {
      throw new TtsError('INVALID_RESPONSE', 'Cartesia sent a chunk that is not base64 PCM', {
        cause: error,
      });
    }
    this.#samples += samples.length;
    if (samples.length > 0) this.#subscriber.next({ type: 'audio', samples });
  }

  /** Cartesia is done with the context: what is wrong now needs no cancel. */
  #done() {
    if (this.#phase.phase !== 'ending') {
      const message = 'Cartesia ended the speech before its text';
      return this.#fail(new TtsError('INVALID_RESPONSE', message), 'quiet');
    }
    let words: WordTiming[];
    try {
      words = this.#words.finish(this.#ms());
    } catch (error) {
      return this.#fail(error, 'quiet');
    }
    this.#emit(words);
    this.#complete();
  }

  #emit(words: WordTiming[]) {
    if (words.length > 0 && this.#phase.phase !== 'over')
      this.#subscriber.next({ type: 'words', words, estimated: false });
  }

  /** The timer for what is awaited from Cartesia now, if anything. */
  #watch() {
    clearTimeout(this.#timer);
    const awaited = this.#awaited();
    if (awaited === undefined) return;
    const { timeoutMs } = this.#settings;
    const message = `no ${awaited} from Cartesia within ${timeoutMs} ms`;
    this.#timer = setTimeout(
      () => this.#fail(new TtsError('TIMEOUT', message), 'cancel'),
      timeoutMs,
    );
  }

  /** While the model writes, nothing is awaited: a slow model is not a slow engine. */
  #awaited(): string | undefined {
    switch (this.#phase.phase) {
      case 'speaking':
        return this.#phase.sent && !this.#heard ? 'audio' : undefined;
      case 'ending':
        return this.#heard ? 'more of the speech' : 'audio';
      default:
        return undefined; // waiting: the connection times its handshake
    }
  }

  #ms() {
    return (this.#samples * 1000) / this.#settings.sampleRate;
  }

  /** Over: the text and timer stopped, the context cancelled on Cartesia (if asked) and let go. */
  #end(context: 'cancel' | 'quiet') {
    this.#phase = { phase: 'over' };
    clearTimeout(this.#timer);
    this.#text?.unsubscribe();
    if (context === 'cancel' && this.#requested)
      this.#connection.send({ context_id: this.#id, cancel: true });
    this.#connection.detach(this.#id);
  }

  #complete() {
    this.#end('quiet');
    this.#subscriber.complete();
  }

  #fail(error: unknown, context: 'cancel' | 'quiet') {
    if (this.#phase.phase === 'over') return;
    this.#end(context);
    this.#subscriber.error(error);
  }
}
