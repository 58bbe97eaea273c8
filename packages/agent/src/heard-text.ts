import { estimateWordTimings, wordsHeard } from '@psrkit/pipeline';

/** A sentence the agent said, and how long its audio was. */
export interface SpokenSentence {
  /** The sentence's text. */
  readonly text: string;
  /** How long its audio was, ms. */
  readonly durationMs: number;
}

/**
 * What the caller heard of sentences whose words were not timed by the engine, from how
 * much of their audio was played (`heardMs`, the playout line's count): whole sentences,
 * then the words of the sentence being spoken that were heard to their end, each word
 * taken to last its share of the characters (`estimateWordTimings`). With an engine's
 * word timings, `wordsHeard` gives the exact words.
 */
export function heardText(spoken: readonly SpokenSentence[], heardMs: number): string {
  let atMs = 0;
  const words = spoken.flatMap(({ text, durationMs }) => {
    const timed = estimateWordTimings(text, atMs, durationMs);
    atMs += durationMs;
    return timed;
  });
  return wordsHeard(words, heardMs);
}
