import { TtsError } from '@psrkit/pipeline';

/** What of a service's text goes into an error message: no more (it may be an attacker's). */
const MAX_MESSAGE = 200;

/** `text` cut to 200 characters. */
export const cut = (text: string) =>
  text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;

/** A whole HTTP answer. */
export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** Limits of one {@link exchange}. */
export interface ExchangeLimits {
  /** The whole exchange (answer and body), ms. */
  readonly timeoutMs: number;
  /** Aborts it (the speech was cancelled); its reason is what the exchange throws. */
  readonly signal: AbortSignal;
  /** What it is, for messages (`the order`, `the audio file`). */
  readonly what: string;
  /** Longest body read, bytes. */
  readonly maxBytes: number;
}

/** The body, up to `maxBytes` (more is `INVALID_RESPONSE`). */
async function readBody(response: Response, { maxBytes, what }: ExchangeLimits) {
  const pieces: Uint8Array[] = [];
  let length = 0;
  for await (const piece of response.body ?? []) {
    length += piece.length;
    if (length > maxBytes)
      throw new TtsError('INVALID_RESPONSE', `${what} is over ${maxBytes} bytes`);
    pieces.push(piece);
  }
  return Buffer.concat(pieces);
}

/**
 * One HTTP request and its whole answer, within `timeoutMs` (a plain timer: on Node 20 an
 * `AbortSignal.timeout()` held only through `AbortSignal.any()` can be collected unfired).
 * @throws {TtsError} `TIMEOUT`, or `NETWORK_ERROR` when the connection fails or breaks;
 *   the signal's reason when the caller aborts
 */
export async function exchange(
  url: string,
  init: RequestInit,
  limits: ExchangeLimits,
): Promise<Answer> {
  const { timeoutMs, signal, what } = limits;
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new TtsError('TIMEOUT', `no answer to ${what} within ${timeoutMs} ms`)),
    timeoutMs,
  );
  const both = AbortSignal.any([signal, timeout.signal]);
  try {
    const response = await fetch(url, { ...init, signal: both });
    const body = await readBody(response, limits);
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body,
    };
  } catch (error) {
    if (both.aborted) throw both.reason;
    if (error instanceof TtsError) throw error;
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new TtsError('NETWORK_ERROR', `${what} failed: ${cut(message)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
