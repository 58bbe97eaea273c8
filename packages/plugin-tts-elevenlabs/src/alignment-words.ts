import { TtsError, type WordTiming } from '@psrkit/pipeline';
import type { CharAlignment } from './elevenlabs-message.js';

/**
 * How far a character may run past the audio received so far, ms: an engine's rounding,
 * cut back to the audio's end. Anything further is a timing that is not this speech's.
 */
export const OVERRUN_MS = 200;

const invalid = (why: string) =>
  new TtsError('INVALID_RESPONSE', `ElevenLabs sent character timings ${why}`);

/**
 * Words from the characters ElevenLabs times, chunk by chunk: each chunk's times count from
 * that chunk's first sample, so they are moved to count from the speech's first sample; a
 * word ends at white space (or the speech's end), so a word split across two chunks comes
 * out once it is complete. Times are checked: in order, and inside the audio received.
 */
export class AlignmentWords {
  #word: { text: string; startMs: number; endMs: number } | undefined;
  #lastStartMs = 0;

  /**
   * Takes the characters of one chunk that starts `offsetMs` into the speech, once
   * `audioMs` of audio (this chunk's included) has arrived.
   * @returns the words these characters complete, in order
   * @throws {TtsError} `INVALID_RESPONSE` for a time before the one ahead of it, or past the audio
   */
  push(alignment: CharAlignment, offsetMs: number, audioMs: number): WordTiming[] {
    const words: WordTiming[] = [];
    for (const [i, char] of alignment.chars.entries()) {
      const startMs = offsetMs + alignment.startsMs[i]!;
      const endMs = startMs + alignment.durationsMs[i]!;
      if (startMs < this.#lastStartMs)
        throw invalid(
          `out of order: ${JSON.stringify(char)} at ${startMs} ms, after one at ${this.#lastStartMs} ms`,
        );
      if (endMs > audioMs + OVERRUN_MS)
        throw invalid(`past the audio: ${JSON.stringify(char)} ends at ${endMs} ms of ${audioMs}`);
      this.#lastStartMs = startMs;
      if (/\s/.test(char)) words.push(...this.finish());
      else this.#add(char, Math.min(startMs, audioMs), Math.min(endMs, audioMs));
    }
    return words;
  }

  /** The word still open (the speech ended without white space after it). */
  finish(): WordTiming[] {
    const word = this.#word;
    this.#word = undefined;
    return word ? [word] : [];
  }

  #add(char: string, startMs: number, endMs: number) {
    if (this.#word) {
      this.#word.text += char;
      this.#word.endMs = Math.max(this.#word.endMs, endMs);
    } else this.#word = { text: char, startMs, endMs };
  }
}
