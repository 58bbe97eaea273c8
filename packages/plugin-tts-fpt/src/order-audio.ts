import { TtsError } from '@psrkit/pipeline';
import { cut, type ExchangeLimits, exchange } from './http-exchange.js';

/** One text to order from FPT.AI. */
export interface AudioOrder {
  readonly endpoint: string;
  readonly apiKey: string;
  readonly voice: string;
  readonly speed: number;
  /** 3–5000 characters. */
  readonly text: string;
}

/** A JSON object, or undefined when `body` is not one. */
function jsonObject(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** What a refusal says: its `message` (FPT.AI's answers and its gateway's), else its text. */
function said(body: Uint8Array): string {
  const message = jsonObject(body)?.['message'];
  const text = typeof message === 'string' ? message : Buffer.from(body).toString('utf8');
  return cut(text.trim());
}

/**
 * Orders the audio of `order.text` (`POST` the text, the key, voice, speed and format as
 * headers) and returns the link FPT.AI answers with, where the MP3 will appear.
 * @throws {TtsError} `HTTP_ERROR` for a refusal (an HTTP error, or `error` ≠ 0 in the
 *   answer: `status` is then that code), `INVALID_RESPONSE` for an answer without a link,
 *   `TIMEOUT`, `NETWORK_ERROR`
 */
export async function orderAudio(
  order: AudioOrder,
  limits: Omit<ExchangeLimits, 'what' | 'maxBytes'>,
): Promise<string> {
  const answer = await exchange(
    order.endpoint,
    {
      method: 'POST',
      headers: {
        // The documentation names the header `api_key`; FPT.AI's console samples send
        // `api-key`, and proxies may drop names with underscores. The gateway takes either.
        api_key: order.apiKey,
        'api-key': order.apiKey,
        voice: order.voice,
        speed: String(order.speed),
        format: 'mp3',
        'content-type': 'text/plain; charset=utf-8',
      },
      body: order.text,
    },
    { ...limits, what: 'the order', maxBytes: 65_536 },
  );
  if (answer.status < 200 || answer.status > 299)
    throw new TtsError('HTTP_ERROR', `FPT.AI answered ${answer.status}: ${said(answer.body)}`, {
      status: answer.status,
    });
  const json = jsonObject(answer.body);
  if (!json) throw new TtsError('INVALID_RESPONSE', `the answer is not JSON: ${said(answer.body)}`);
  const code = json['error'];
  if (code !== 0 && code !== undefined)
    throw new TtsError(
      'HTTP_ERROR',
      `FPT.AI refused the text (error ${cut(String(code))}): ${said(answer.body)}`,
      {
        status: typeof code === 'number' ? code : answer.status,
      },
    );
  const link = json['async'];
  if (typeof link !== 'string' || !/^https?:\/\//.test(link))
    throw new TtsError('INVALID_RESPONSE', `the answer has no audio link: ${said(answer.body)}`);
  return link;
}
