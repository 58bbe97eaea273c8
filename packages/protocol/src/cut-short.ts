/** How much of a peer's text {@link cutShort} keeps by default, in characters. */
export const MAX_QUOTED_CHARS = 200;

/**
 * `text` cut to `maxChars` characters, with `…` where it was cut: what of a peer's text
 * (a service's error message, a frame that is not JSON, a close reason) goes into an error
 * message or a log line, since it may be anything, an attacker's megabyte included.
 *
 * @param text - the text as it came
 * @param maxChars - how much of it to keep (default {@link MAX_QUOTED_CHARS})
 * @example
 * ```ts
 * throw new Error(`the service said: ${cutShort(body)}`);
 * ```
 */
export function cutShort(text: string, maxChars = MAX_QUOTED_CHARS): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
