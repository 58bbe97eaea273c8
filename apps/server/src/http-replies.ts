import type { IncomingMessage, ServerResponse } from 'node:http';
import { quoteRefused } from './credential-text.js';

/**
 * What the operator pages may load: their own inline script and style, the server's own
 * media, nothing from elsewhere; no data ever becomes markup (the pages set text only).
 */
export const PAGE_POLICY =
  "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; media-src 'self'; img-src data:";

/** A JSON answer, never cached; returns true (the request was answered). */
export function replyJson(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
  return true;
}

/** An operator page, under {@link PAGE_POLICY}; returns true. */
export function replyHtml(res: ServerResponse, body: string): true {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': PAGE_POLICY,
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
  return true;
}

/** A request body the route refuses: the status to answer with and why. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
  }
}

/**
 * Reads a request's body as a JSON object (an empty body is `{}`), at most `maxBytes`: a
 * longer one is not kept (what comes past the limit is read and dropped, so the answer
 * reaches the client instead of a reset connection; the server's request timeout bounds a
 * body that never ends). Text that is not JSON is quoted in the error only when it does not
 * look like a credential (else its size and shape).
 * @throws {BadRequest} 413 over the size, 400 for what is not a JSON object
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  const tooLarge = () => new BadRequest(`the body is over ${maxBytes} bytes`, 413);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const body = await readBodyText(req, maxBytes);
  if (body === undefined) throw tooLarge();
  if (body.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BadRequest(`the body is not JSON: ${quoteRefused(body, 60)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest('the body must be a JSON object');
  return value as Record<string, unknown>;
}

/** The whole body as text, or undefined when it is over `maxBytes` (the rest read and dropped). */
function readBodyText(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    const cutOff = () => reject(new BadRequest('the body was cut off'));
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.once('end', () =>
      resolve(size > maxBytes ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    req.once('error', cutOff);
    req.once('close', () => {
      if (!req.complete) cutOff();
    });
  });
}
