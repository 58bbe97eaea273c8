import { TtsError } from '@psrkit/pipeline';
import { cutShort } from '@psrkit/protocol';

/** How much of a refusal's body is read to find its message. */
const MAX_BODY = 16_384;

/** The first `limit` bytes of a body as text; the rest is not downloaded. */
async function readSome(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const pieces: Uint8Array[] = [];
  let length = 0;
  while (length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    pieces.push(value);
    length += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(pieces).subarray(0, limit).toString('utf8');
}

/**
 * The message in a refusal's body: OpenAI's `{ error: { message } }`, FastAPI's
 * `{ detail: { message } }` or `{ detail: "…" }` (Kokoro-FastAPI, openedai-speech), a bare
 * `{ message }`, or the text itself.
 */
export function refusalMessage(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return body.trim();
  }
  const field = (value: unknown, key: string): unknown =>
    typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)[key]
      : undefined;
  const candidates = [
    field(field(json, 'error'), 'message'),
    field(field(json, 'detail'), 'message'),
    field(json, 'detail'),
    field(json, 'message'),
    field(json, 'error'),
  ];
  const found = candidates.find((value) => typeof value === 'string' && value.trim());
  return typeof found === 'string' ? found.trim() : body.trim();
}

/** A service's HTTP error as a `TtsError` (`HTTP_ERROR`, its status, its message cut short). */
export async function refusal(response: Response, hint = ''): Promise<TtsError> {
  const message = refusalMessage(await readSome(response, MAX_BODY)) || response.statusText;
  return new TtsError(
    'HTTP_ERROR',
    `the service answered ${response.status}: ${cutShort(message)}${hint}`,
    { status: response.status },
  );
}
