/** A sentence the agent said, and how long its audio was. */
export interface SpokenSentence {
  /** The sentence's text. */
  readonly text: string;
  /** How long its audio was, ms. */
  readonly durationMs: number;
}

/**
 * What the caller heard of what the agent said, from how much of its audio was played
 * (`heardMs`, the playout line's count): whole sentences, then the part of the sentence
 * being spoken in proportion to its audio, cut back to a whole word. The TTS gives no word
 * times here, so a word is taken to last as long as its share of the characters.
 */
export function heardText(spoken: readonly SpokenSentence[], heardMs: number): string {
  const heard: string[] = [];
  let at = 0;
  for (const { text, durationMs } of spoken) {
    if (at + durationMs <= heardMs) {
      heard.push(text);
      at += durationMs;
      continue;
    }
    const share = durationMs > 0 ? Math.max(0, heardMs - at) / durationMs : 0;
    const chars = Math.floor(text.length * share);
    // A word counts once it has been heard to its end.
    const partial = text.slice(0, chars);
    const cut =
      text.length > chars && /\S/.test(text[chars] ?? '') ? partial.replace(/\S*$/, '') : partial;
    if (cut.trim()) heard.push(cut.trim());
    break;
  }
  return heard.join(' ');
}
