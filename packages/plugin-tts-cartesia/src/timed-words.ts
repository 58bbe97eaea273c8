import { TtsError, type WordTiming } from '@psrkit/pipeline';

/**
 * How far a word may end past the speech's audio, ms: an engine's rounding, cut back to the
 * audio's end. Anything further is a timing that is not this speech's.
 */
export const OVERRUN_MS = 200;

const invalid = (why: string) =>
  new TtsError('INVALID_RESPONSE', `Cartesia sent word timestamps ${why}`);

/**
 * Timed words held until their audio has arrived: Cartesia may send a word's timestamps
 * before the audio it times, and a word must never be reported before it can be heard.
 * Words are checked as they come (in order); at the end, against the whole audio.
 */
export class TimedWords {
  #pending: WordTiming[] = [];
  #lastStartMs = 0;

  /**
   * Takes more words.
   * @throws {TtsError} `INVALID_RESPONSE` for a word that starts before the one ahead of it
   */
  add(words: readonly WordTiming[]): void {
    for (const word of words) {
      if (word.startMs < this.#lastStartMs)
        throw invalid(
          `out of order: ${JSON.stringify(word.text.slice(0, 40))} at ${word.startMs} ms, after one at ${this.#lastStartMs} ms`,
        );
      this.#lastStartMs = word.startMs;
      this.#pending.push(word);
    }
  }

  /** The words whose audio has all arrived, once `audioMs` of it has. */
  release(audioMs: number): WordTiming[] {
    const ready = this.#pending.findIndex((word) => word.endMs > audioMs);
    return this.#pending.splice(0, ready < 0 ? this.#pending.length : ready);
  }

  /**
   * The words still held, at the speech's end (`audioMs` of audio in all), cut to it.
   * @throws {TtsError} `INVALID_RESPONSE` for a word that ends well past the audio
   */
  finish(audioMs: number): WordTiming[] {
    const words = this.#pending.splice(0);
    const late = words.find((word) => word.endMs > audioMs + OVERRUN_MS);
    if (late)
      throw invalid(
        `past the audio: ${JSON.stringify(late.text.slice(0, 40))} ends at ${late.endMs} ms of ${audioMs}`,
      );
    return words.map((word) => ({
      text: word.text,
      startMs: Math.min(word.startMs, audioMs),
      endMs: Math.min(word.endMs, audioMs),
    }));
  }
}
