/** Characters that would let peer-supplied text forge or hide log content: controls, bidi overrides, line separators. */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Peer-supplied text made safe to log: at most `max` characters (the rest said as a
 * count), control, bidi and line-separator characters escaped as `\uXXXX`.
 *
 * @example
 * ```ts
 * logText('a\u202Eb'.repeat(100)); // 'a\\u202eb…' (cut, escaped)
 * ```
 */
export function logText(text: string, max = 120): string {
  const head = text.length > max ? text.slice(0, max) : text;
  const safe = head.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > max ? `${safe}… (${text.length} chars)` : safe;
}

/**
 * Allows at most `limit` warnings per `windowMs` (per call): a peer sending thousands of
 * bad frames gets a few log lines, and then one line saying how many were left out.
 */
export function warningBudget(limit = 20, windowMs = 10_000, now: () => number = Date.now) {
  let windowStart = Number.NEGATIVE_INFINITY;
  let used = 0;
  let suppressed = 0;
  return {
    /** Whether to log this warning; `suppressed` is how many were left out before it. */
    take(): { log: boolean; suppressed: number } {
      const at = now();
      if (at - windowStart >= windowMs) {
        windowStart = at;
        used = 0;
      }
      if (used >= limit) {
        suppressed++;
        return { log: false, suppressed: 0 };
      }
      used++;
      const left = suppressed;
      suppressed = 0;
      return { log: true, suppressed: left };
    },
  };
}
