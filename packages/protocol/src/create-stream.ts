import { checkExtension } from './identifiers.js';
import type { PsrChannel } from './inbound-event.js';
import { PsrkitError } from './psrkit-error.js';
import { VERSION } from './version.js';

/** How PSR places a call for the create-stream API. */
export type StreamApp = 'dial' | 'bot';

/** Options of {@link createStream}: where PSR is, who to call, and where to stream the call. */
export interface CreateStreamOptions {
  /** PSR's base URL, e.g. `https://pbx.example.com`; `/psr/v1/call/stream` is appended. */
  readonly baseUrl: string;
  /** Bearer token for the `Authorization` header. */
  readonly token: string;
  /** WebSocket URL PSR connects to for this call. */
  readonly url: string;
  /** Phone number or extension to call. */
  readonly destination: string;
  /** `dial` (default): ring `extension` first, then dial `destination`; `bot`: call `destination` and stream it. */
  readonly app?: StreamApp;
  /** Default `stereo`. */
  readonly channel?: PsrChannel;
  /** The extension that places the call; required when `app` is `dial`. */
  readonly extension?: string;
  /** `app: 'bot'`: play silence once connected instead of `audioFile`. */
  readonly isSilence?: boolean;
  /** `app: 'bot'`: a file played once the callee answers: a path, bytes or a Blob. */
  readonly audioFile?: string | Uint8Array | Blob;
  /**
   * Metadata handed to the bot as dynamic query parameters. With `app: 'bot'`,
   * `remote_side: 'b'` is added unless `parameter` sets `remote_side` itself: the bot's
   * customer is the called party, PSR's side B (`mono_b`), so a psrkit bot listens there.
   */
  readonly parameter?: Readonly<Record<string, string | number | boolean>>;
  /** Give up after this many milliseconds (default 10 000). */
  readonly timeoutMs?: number;
  /** Cancels the request. */
  readonly signal?: AbortSignal;
  /** Replaces the global `fetch` (tests, proxies). */
  readonly fetch?: typeof fetch;
}

/** PSR's answer to a successful create-stream request. */
export interface CreateStreamResult {
  /** The `call_id` PSR gave the call; its WebSocket will carry the same. */
  readonly callId: string;
  /** Where PSR will keep the recording of the streamed leg. */
  readonly recordingUrl: string;
  /** Where PSR will keep the recording of the whole call. */
  readonly fullRecordingUrl: string;
  /** PSR's status for the request, as sent. */
  readonly status: string;
}

/** What went wrong calling the PSR API. */
export type PsrApiErrorCode =
  | 'INVALID_REQUEST'
  | 'HTTP_ERROR'
  | 'API_ERROR'
  | 'INVALID_RESPONSE'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'NETWORK_ERROR';

/** A failed call to the PSR REST API, with the HTTP status and PSR's own code and message. */
export class PsrApiError extends PsrkitError<PsrApiErrorCode> {
  /** Always `PsrApiError`. */
  override readonly name = 'PsrApiError';
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** PSR's `code` field, when the body had one. */
  readonly apiCode: string | undefined;

  constructor(
    code: PsrApiErrorCode,
    message: string,
    details: { status?: number; apiCode?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: details.cause });
    this.status = details.status;
    this.apiCode = details.apiCode;
  }
}

/** Path of the create-stream endpoint under the base URL. */
export const CREATE_STREAM_PATH = '/psr/v1/call/stream';

/**
 * Asks PSR to place a call and stream it to `url` (`POST /psr/v1/call/stream`).
 *
 * @example
 * ```ts
 * const { callId } = await createStream({
 *   baseUrl: 'https://pbx.example.com', token, url: 'wss://bot.example.com/psr',
 *   destination: '0901234567', app: 'bot', parameter: { danh_xung: 'anh' },
 * });
 * ```
 * @throws {PsrApiError} `INVALID_REQUEST` before sending; `HTTP_ERROR`, `API_ERROR`,
 *   `INVALID_RESPONSE`, `TIMEOUT`, `ABORTED` or `NETWORK_ERROR` after
 */
export async function createStream(options: CreateStreamOptions): Promise<CreateStreamResult> {
  const form = await buildForm(options);
  const { response, text } = await postForm(options, form);
  return readCreateStreamAnswer(response, text);
}

/**
 * Posts the form to the create-stream endpoint within the timeout and the caller's
 * signal; PSR's response and its body, or why none came (`TIMEOUT`, `ABORTED`,
 * `NETWORK_ERROR`).
 */
async function postForm(
  options: CreateStreamOptions,
  form: FormData,
): Promise<{ response: Response; text: string }> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Held here, and read after the request: on Node 20 a timeout signal that only
  // `AbortSignal.any()` holds can be garbage-collected before it fires (the test says so).
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}${CREATE_STREAM_PATH}`;
  try {
    const response = await (options.fetch ?? fetch)(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'user-agent': `psrkit/${VERSION}` },
      body: form,
      signal,
    });
    return { response, text: await response.text() };
  } catch (cause) {
    if (timeout.aborted)
      throw new PsrApiError('TIMEOUT', `no answer from ${endpoint} within ${timeoutMs} ms`, {
        cause,
      });
    if (options.signal?.aborted)
      throw new PsrApiError('ABORTED', 'the request was aborted', { cause });
    throw new PsrApiError(
      'NETWORK_ERROR',
      `request to ${endpoint} failed: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/**
 * Reads PSR's answer to a create-stream request: its JSON envelope (`code`, `message`,
 * `data`) and the new call's fields.
 * @throws {PsrApiError} `HTTP_ERROR` for a status that is not 2xx, `API_ERROR` for a code
 *   that is not `OK`, `INVALID_RESPONSE` for a body that is not the envelope PSR sends
 */
export function readCreateStreamAnswer(
  response: { readonly status: number; readonly ok: boolean },
  text: string,
): CreateStreamResult {
  const { status } = response;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    if (!response.ok)
      throw new PsrApiError('HTTP_ERROR', `HTTP ${status}: ${text.slice(0, 200)}`, {
        status,
        cause,
      });
    throw new PsrApiError('INVALID_RESPONSE', `response is not JSON: ${text.slice(0, 200)}`, {
      status,
      cause,
    });
  }
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  const apiCode = typeof envelope['code'] === 'string' ? envelope['code'] : undefined;
  const apiMessage = typeof envelope['message'] === 'string' ? envelope['message'] : '';
  const details = { status, ...(apiCode !== undefined && { apiCode }) };
  if (!response.ok) {
    const message = `HTTP ${status}${apiCode ? ` ${apiCode}` : ''}: ${apiMessage || text.slice(0, 200)}`;
    throw new PsrApiError('HTTP_ERROR', message, details);
  }
  if (apiCode !== 'OK') {
    const message = `PSR answered code ${JSON.stringify(apiCode ?? null)}: ${apiMessage}`;
    throw new PsrApiError('API_ERROR', message, details);
  }
  const data = envelope['data'] as Record<string, unknown> | undefined;
  const field = (name: string): string => {
    const value = data?.[name];
    if (typeof value !== 'string') {
      throw new PsrApiError('INVALID_RESPONSE', `response has no string data.${name}`, {
        status,
        apiCode,
      });
    }
    return value;
  };
  return {
    callId: field('call_id'),
    recordingUrl: field('recording_url'),
    fullRecordingUrl: field('full_recording_url'),
    status: field('status'),
  };
}

async function buildForm(options: CreateStreamOptions): Promise<FormData> {
  const app = options.app ?? 'dial';
  const require = (ok: boolean, message: string): void => {
    if (!ok) throw new PsrApiError('INVALID_REQUEST', message);
  };
  require(/^https?:\/\//.test(
    options.baseUrl,
  ), `baseUrl must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
  require(/^wss?:\/\//.test(
    options.url,
  ), `url must be a ws:// or wss:// URL, got ${JSON.stringify(options.url)}`);
  require(options.destination.trim().length > 0, 'destination must not be empty');
  require(app === 'dial' ||
    app === 'bot', `app must be "dial" or "bot", got ${JSON.stringify(app)}`);
  require(app !== 'dial' ||
    options.extension !== undefined, 'extension is required when app is "dial"');
  if (options.extension !== undefined) {
    try {
      checkExtension(options.extension, 'extension');
    } catch (cause) {
      throw new PsrApiError('INVALID_REQUEST', (cause as Error).message, { cause });
    }
  }
  const form = new FormData();
  form.set('url', options.url);
  form.set('destination', options.destination);
  form.set('app', app);
  if (options.channel !== undefined) form.set('channel', options.channel);
  if (options.extension !== undefined) form.set('extension', options.extension);
  if (options.isSilence !== undefined) form.set('is_silence', String(options.isSilence));
  if (options.audioFile !== undefined)
    form.set('audio_file', await toBlob(options.audioFile), fileName(options.audioFile));
  const parameter =
    app === 'bot' && options.parameter?.['remote_side'] === undefined
      ? { ...options.parameter, remote_side: 'b' }
      : options.parameter;
  if (parameter !== undefined) form.set('parameter', JSON.stringify(parameter));
  return form;
}

async function toBlob(file: string | Uint8Array | Blob): Promise<Blob> {
  if (file instanceof Blob) return file;
  if (typeof file === 'string') {
    const { readFile } = await import('node:fs/promises');
    try {
      return new Blob([await readFile(file)], { type: 'audio/wav' });
    } catch (cause) {
      throw new PsrApiError(
        'INVALID_REQUEST',
        `cannot read audioFile ${file}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
  return new Blob([file], { type: 'audio/wav' });
}

function fileName(file: string | Uint8Array | Blob): string {
  if (typeof file === 'string') return file.split(/[\\/]/).pop() || 'audio.wav';
  return file instanceof File ? file.name : 'audio.wav';
}
