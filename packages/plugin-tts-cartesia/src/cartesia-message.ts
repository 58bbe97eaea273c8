import { TtsError, type WordTiming } from '@psrkit/pipeline';
import { cutShort, parseJsonObject } from '@psrkit/protocol';

/** A message from Cartesia's socket, before it is read: its context, and the rest. */
export interface CartesiaFrame {
  readonly contextId: string | undefined;
  readonly body: Readonly<Record<string, unknown>>;
}

/** What a message says about its context, checked. */
export type ContextMessage =
  | { readonly type: 'chunk'; readonly data: string }
  | { readonly type: 'timestamps'; readonly words: readonly WordTiming[] }
  | { readonly type: 'done' }
  | { readonly type: 'error'; readonly error: TtsError }
  /** `flush_done`, `phoneme_timestamps`, and types this plugin does not use. */
  | { readonly type: 'other' };

const invalid = (why: string, options?: ErrorOptions) =>
  new TtsError('INVALID_RESPONSE', `Cartesia sent ${why}`, options);

/**
 * One text frame from Cartesia: a JSON object, and the context it is about.
 * @throws {TtsError} `INVALID_RESPONSE` for what is not a JSON object
 */
export function parseFrame(text: string): CartesiaFrame {
  let body: Record<string, unknown>;
  try {
    body = parseJsonObject(text);
  } catch (error) {
    throw invalid(`what is not a JSON object: ${cutShort(text)}`, { cause: error });
  }
  const contextId = typeof body['context_id'] === 'string' ? body['context_id'] : undefined;
  return { contextId, body };
}

/**
 * An error message (`status_code`, and `title`/`message`/`error_code`, or `error` in older
 * versions) as a typed error: a missing voice is `UNKNOWN_VOICE`, anything else `HTTP_ERROR`.
 */
export function refusalError(body: Readonly<Record<string, unknown>>): TtsError {
  const said = ['title', 'message', 'error']
    .map((key) => body[key])
    .filter((value): value is string => typeof value === 'string' && value !== '');
  const code = typeof body['error_code'] === 'string' ? body['error_code'] : undefined;
  const status = typeof body['status_code'] === 'number' ? body['status_code'] : undefined;
  const text = `Cartesia refused: ${cutShort([code, ...said].filter(Boolean).join(': ') || 'error')}`;
  if (code !== undefined && /voice/i.test(code)) return new TtsError('UNKNOWN_VOICE', text);
  return new TtsError('HTTP_ERROR', text, status === undefined ? {} : { status });
}

/**
 * What a message says about its context: audio (`chunk`, base64 in `data`), word times
 * (`timestamps`, seconds from the context's start), `done`, or an `error`.
 * @throws {TtsError} `INVALID_RESPONSE` for a chunk without data or timestamps that do not add up
 */
export function readMessage(body: Readonly<Record<string, unknown>>): ContextMessage {
  switch (body['type']) {
    case 'chunk':
      if (typeof body['data'] !== 'string') throw invalid('a chunk whose data is not base64');
      return { type: 'chunk', data: body['data'] };
    case 'timestamps':
      return { type: 'timestamps', words: readWordTimestamps(body['word_timestamps']) };
    case 'done':
      return { type: 'done' };
    case 'error':
      return { type: 'error', error: refusalError(body) };
    default:
      return { type: 'other' };
  }
}

const isSeconds = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** `{ words, start, end }`: three arrays of one length, times in seconds ≥ 0, start ≤ end. */
function readWordTimestamps(value: unknown): WordTiming[] {
  const { words, start, end } = (value ?? {}) as Record<string, unknown>;
  if (!Array.isArray(words) || !Array.isArray(start) || !Array.isArray(end))
    throw invalid('timestamps without words, start and end');
  if (start.length !== words.length || end.length !== words.length)
    throw invalid(
      `timestamps for ${words.length} words with ${start.length} starts and ${end.length} ends`,
    );
  return words.map((word, i) => {
    const [from, to] = [start[i], end[i]];
    if (typeof word !== 'string' || !isSeconds(from) || !isSeconds(to) || to < from)
      throw invalid(`a timestamp that is not a word with a start ≤ its end, in seconds`);
    return { text: word, startMs: from * 1000, endMs: to * 1000 };
  });
}
