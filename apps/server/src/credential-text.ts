/**
 * Text that may carry a secret someone pasted by mistake (a request body, a field echoed in
 * an error), each kind with the name a log gives it instead of the text. Later kinds catch
 * what earlier ones do not name: a `key=value` pair before the long run its value is.
 */
const SHAPES: readonly { readonly pattern: RegExp; readonly shape: string }[] = [
  { pattern: /\bbearer\s+[\w.~+/=-]{8,}/gi, shape: 'a bearer token' },
  {
    pattern:
      /[\w.-]*(?:key|token|secret|passw(?:or)?d|pwd|auth|signature|credential|session)[\w.-]*["']?\s*[=:]\s*["']?[^\s"'&,;]{4,}/gi,
    shape: 'a key=value credential',
  },
  { pattern: /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, shape: 'a JWT' },
  { pattern: /\b[0-9a-f]{32,}\b/gi, shape: 'a long hex run' },
  { pattern: /[A-Za-z0-9+/_-]{32,}={0,2}/g, shape: 'a long base64 run' },
];

/** What kind of credential `text` looks like (`a bearer token`…), or undefined. */
export function credentialShape(text: string): string | undefined {
  return SHAPES.find(({ pattern }) => new RegExp(pattern.source, pattern.flags).test(text))?.shape;
}

/** `text` with every run that looks like a credential replaced by its shape and length. */
export function hideCredentials(text: string): string {
  let hidden = text;
  for (const { pattern, shape } of SHAPES)
    hidden = hidden.replace(pattern, (run) => `[${shape}, ${run.length} chars, hidden]`);
  return hidden;
}

/**
 * Refused text as a message may show it: its start, quoted, cut to `maxChars` — or, when it
 * looks like a credential, only its size and shape.
 */
export function quoteRefused(text: string, maxChars: number): string {
  const shape = credentialShape(text);
  const bytes = Buffer.byteLength(text);
  return shape
    ? `${bytes} bytes that look like ${shape} (not shown)`
    : `${JSON.stringify(text.slice(0, maxChars))} (${bytes} bytes)`;
}
