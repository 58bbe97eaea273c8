/**
 * Words that leave a sentence hanging when they end it: a recogniser that writes punctuation
 * puts a full stop after "I'd like to" when the caller pauses there. Conjunctions,
 * articles, prepositions, possessives and fillers, English and Vietnamese (lower case).
 * Affirmations ("yes", "dạ", "vâng", "ừ") and copulas ("it is") end sentences, so they are
 * not here.
 */
const HANGING_WORDS = new Set([
  // English
  ...['and', 'but', 'or', 'nor', 'because', 'if', 'unless', 'although', 'though', 'whether'],
  ...['the', 'a', 'an', 'my', 'your', 'our', 'their', 'his', 'her', 'its'],
  ...['to', 'of', 'for', 'with', 'about', 'from', 'into', 'at', 'on', 'in', 'by'],
  ...['um', 'uh', 'er', 'erm', 'hmm'],
  // Vietnamese
  ...['và', 'nhưng', 'hoặc', 'hay', 'thì', 'là', 'mà', 'nếu', 'vì', 'để', 'rằng'],
  ...['của', 'cho', 'với', 'những', 'các', 'một'],
  ...['ờ', 'ờm', 'ừm', 'ơ'],
]);

/** The transcript's last word, lower case, without its punctuation. */
function lastWord(text: string): string {
  const words = text.toLowerCase().match(/[\p{L}\p{M}\p{N}']+/gu);
  return words?.at(-1) ?? '';
}

/**
 * Whether a transcript reads as a finished turn, so the agent may answer without waiting
 * out the silence rule: it ends a sentence (`.`, `?`, `!`; an ellipsis is not an end), has
 * at least two words, and — unless it is a question — its last word does not leave the
 * sentence hanging ("I'd like to.", "Tôi muốn hỏi về."). A question may end on a
 * preposition ("Where are you calling from?").
 *
 * @example
 * ```ts
 * readsComplete('Hello, who are you?'); // true
 * readsComplete('I would like to.'); // false: the caller paused mid-sentence
 * ```
 */
export function readsComplete(text: string): boolean {
  const trimmed = text.trim();
  if (!/[.?!。？！]["'”’)]*$/u.test(trimmed) || /\.\.\.$|…$/u.test(trimmed)) return false;
  if (trimmed.split(/\s+/).length < 2) return false;
  const question = /[?？]["'”’)]*$/u.test(trimmed);
  return question || !HANGING_WORDS.has(lastWord(trimmed));
}
