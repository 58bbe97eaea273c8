/** When a word of synthesised speech plays: ms from the first sample of its speech's audio. */
export interface WordTiming {
  /** The word as written, punctuation attached (`Nam.`). */
  readonly text: string;
  /** Its audio starts here, ms. */
  readonly startMs: number;
  /** Its audio ends here, ms (≥ `startMs`). */
  readonly endMs: number;
}

/**
 * Timings for the words of `text` spoken over `durationMs` from `startMs`, when the engine
 * gives none: each word lasts its share of the characters (spaces included), so a word
 * ends where its last character falls.
 */
export function estimateWordTimings(
  text: string,
  startMs: number,
  durationMs: number,
): WordTiming[] {
  const length = text.length;
  if (length === 0) return [];
  const at = (char: number) => startMs + (durationMs * char) / length;
  return [...text.matchAll(/\S+/g)].map((match) => ({
    text: match[0],
    startMs: at(match.index),
    endMs: at(match.index + match[0].length),
  }));
}

/**
 * What a caller heard of timed words once `heardMs` of their audio had played: the words
 * heard to their end, in order, separated by single spaces. A word cut off in the middle is
 * not heard — the caller did not hear it said.
 */
export function wordsHeard(words: readonly WordTiming[], heardMs: number): string {
  const heard: string[] = [];
  for (const word of words) {
    if (word.endMs > heardMs) break;
    heard.push(word.text);
  }
  return heard.join(' ');
}

/**
 * Why timed words are wrong for `audioMs` of audio — out of order, negative, or past its end
 * (`toleranceMs` allowed for an engine's rounding) — or undefined when they are right.
 */
export function wordTimingProblem(
  words: readonly WordTiming[],
  audioMs: number,
  toleranceMs = 50,
): string | undefined {
  let previousStart = 0;
  for (const [index, word] of words.entries()) {
    const where = `word ${index + 1} (${JSON.stringify(word.text.slice(0, 40))})`;
    if (!(word.startMs >= 0 && word.endMs >= word.startMs))
      return `${where}: start ${word.startMs} ms, end ${word.endMs} ms`;
    if (word.startMs < previousStart)
      return `${where} starts at ${word.startMs} ms, before the word ahead of it (${previousStart} ms)`;
    if (word.endMs > audioMs + toleranceMs)
      return `${where} ends at ${word.endMs} ms, after the audio (${audioMs} ms)`;
    previousStart = word.startMs;
  }
  return undefined;
}
