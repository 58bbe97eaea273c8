import { EspeakError } from './espeak-error.js';
import type { EngineInfo, SentenceEngine, StartEngine } from './sentence-engine.js';

/** A text to speak: its sentences, and how. */
export interface SpeechRequest {
  readonly sentences: readonly string[];
  readonly voice: string;
  readonly rate: number;
  readonly pitch: number;
}

/** Where a speech goes: its audio in order, then the end. */
export interface SpeechListener {
  samples(pcm: Int16Array): void;
  complete(): void;
  error(error: EspeakError): void;
}

/** A speech being served: its listener and the next sentence to synthesise. */
interface Speech {
  readonly request: SpeechRequest;
  readonly listener: SpeechListener;
  next: number;
  /** `waiting` in the queue, one sentence `synthesising`, or `ended` (done, failed or cancelled). */
  phase: 'waiting' | 'synthesising' | 'ended';
}

type SlotState =
  | { readonly phase: 'starting' }
  | { readonly phase: 'idle' }
  | { readonly phase: 'busy'; readonly speech: Speech };

interface Slot {
  readonly engine: SentenceEngine;
  state: SlotState;
}

/**
 * Engines that synthesise speeches sentence by sentence, fairly: a speech has at most one
 * sentence in synthesis and goes back to the end of the queue after each, so a long text
 * takes turns with every other speech instead of holding an engine until it is done.
 * Cancelling a speech drops its queued sentences; one already in synthesis finishes and its
 * audio is dropped. An engine that dies fails the speech it was serving with `EspeakError`
 * `ENGINE_FAILED` and is replaced — unless it died loading, which is not retried until the
 * next speech (and fails the queue when no engine is left).
 */
export class SynthesisPool {
  /** The first engine's voices and rate (rejects when it cannot load). */
  readonly info: Promise<EngineInfo>;
  readonly #size: number;
  readonly #start: StartEngine;
  readonly #slots: Slot[] = [];
  readonly #queue: Speech[] = [];
  #closed = false;

  constructor(size: number, start: StartEngine) {
    this.#size = size;
    this.#start = start;
    this.#fill();
    this.info = this.#slots[0]!.engine.ready;
  }

  /** Queues `request`; returns the cancel function (unsubscribe). */
  speak(request: SpeechRequest, listener: SpeechListener): () => void {
    const speech: Speech = { request, listener, next: 0, phase: 'waiting' };
    this.#fill();
    this.#queue.push(speech);
    this.#dispatch();
    return () => this.#cancel(speech);
  }

  /** Stops every engine; queued speeches get nothing more. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#queue.length = 0;
    await Promise.all(this.#slots.splice(0).map((slot) => slot.engine.close()));
  }

  /** Starts engines up to the pool's size. */
  #fill(): void {
    while (!this.#closed && this.#slots.length < this.#size) {
      const slot: Slot = {
        engine: this.#start((why) => this.#died(slot, why)),
        state: { phase: 'starting' },
      };
      this.#slots.push(slot);
      slot.engine.ready.then(
        () => {
          if (slot.state.phase !== 'starting' || !this.#slots.includes(slot)) return;
          slot.state = { phase: 'idle' };
          this.#dispatch();
        },
        () => {}, // reported through `died`
      );
    }
  }

  /** Gives each idle engine the next sentence of the speech at the head of the queue. */
  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.state.phase !== 'idle') continue;
      const speech = this.#queue.shift();
      if (!speech) return;
      this.#runSentence(slot, speech);
    }
  }

  #runSentence(slot: Slot, speech: Speech): void {
    const index = speech.next++;
    const { sentences, voice, rate, pitch } = speech.request;
    slot.state = { phase: 'busy', speech };
    speech.phase = 'synthesising';
    slot.engine.run(
      { text: sentences[index]!, voice, rate, pitch },
      {
        samples: (pcm) => {
          if (speech.phase !== 'ended') speech.listener.samples(pcm);
        },
        done: () => this.#sentenceEnded(slot, speech),
        failed: (message) => {
          this.#fail(speech, `eSpeak NG failed on sentence ${index + 1}: ${message}`);
          this.#sentenceEnded(slot, speech);
        },
      },
    );
  }

  /** The engine is free again; the speech goes to the end of the queue, or completes. */
  #sentenceEnded(slot: Slot, speech: Speech): void {
    slot.state = { phase: 'idle' };
    if (speech.phase === 'synthesising') {
      if (speech.next < speech.request.sentences.length) {
        speech.phase = 'waiting';
        this.#queue.push(speech);
      } else {
        speech.phase = 'ended';
        speech.listener.complete();
      }
    }
    this.#dispatch();
  }

  #cancel(speech: Speech): void {
    const queued = this.#queue.indexOf(speech);
    if (queued >= 0) this.#queue.splice(queued, 1);
    speech.phase = 'ended';
  }

  #fail(speech: Speech, message: string): void {
    if (speech.phase === 'ended') return;
    this.#cancel(speech);
    speech.listener.error(new EspeakError('ENGINE_FAILED', message));
  }

  #died(slot: Slot, why: string): void {
    const at = this.#slots.indexOf(slot);
    if (at < 0) return;
    this.#slots.splice(at, 1);
    const { state } = slot;
    if (state.phase === 'busy') this.#fail(state.speech, why);
    if (state.phase !== 'starting')
      this.#fill(); // a replacement
    else if (this.#slots.length === 0)
      for (const speech of this.#queue.splice(0)) this.#fail(speech, why);
    this.#dispatch();
  }
}
