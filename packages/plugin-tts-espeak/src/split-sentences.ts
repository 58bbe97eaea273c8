/** Sentences (and clauses of long ones), so the first audio comes before the whole text is done. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;:…])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
