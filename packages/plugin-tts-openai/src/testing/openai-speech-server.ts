// A local stand-in for an OpenAI-compatible speech service, speaking its documented wire
// format: `POST /v1/audio/speech` with `{ model, input, voice, response_format, speed?,
// instructions? }` and a Bearer key, answered with raw 16-bit little-endian mono PCM in a
// chunked body — or with what a failing service does (refusals with OpenAI's error body,
// a hang, a dropped connection, an answer that is not PCM).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { text } from 'node:stream/consumers';
import { speechLike } from '@psrkit/pipeline';
import { OPENAI_VOICES } from '../openai-tts-options.js';
import {
  openAiError,
  type SpeechServiceFailure,
  send,
  sendFailure,
} from './speech-service-failure.js';

/** What the stand-in does with the next requests: speak, or fail in one way. */
export type SpeechServiceBehaviour =
  /** Streams speech-like audio for the input. */
  | 'speak'
  /** Sends the first piece of audio, then holds the rest until `release()` (or the client goes). */
  | 'stall'
  /** Sends the first piece of audio, then drops the connection. */
  | 'drop'
  | SpeechServiceFailure;

/** Options of {@link startOpenAiSpeechServer}. */
export interface OpenAiSpeechServerOptions {
  /** When set, a request without `Authorization: Bearer <apiKey>` is refused (401). */
  readonly apiKey?: string;
  /** Voices it has (default OpenAI's); another is refused (400). */
  readonly voices?: readonly string[];
  /** Audio per character of input, ms (default 65). */
  readonly msPerChar?: number;
  /** Rate of its PCM (default 24 000; another is announced as `audio/pcm;rate=…`). */
  readonly sampleRate?: number;
  /** Bytes per body piece (default 4801: odd, so samples are split across pieces). */
  readonly chunkBytes?: number;
  /** Wait before the first audio bytes, ms (default 0): the service's own delay. */
  readonly delayMs?: number;
}

/** One request as the stand-in read it: the JSON body's fields, as sent. */
export interface ReceivedSpeechRequest {
  /** The model asked for. */
  readonly model: unknown;
  /** The text to speak. */
  readonly input: unknown;
  /** The voice asked for. */
  readonly voice: unknown;
  /** The audio format asked for (`pcm`). */
  readonly response_format: unknown;
  /** The speed, when sent. */
  readonly speed?: unknown;
  /** The instructions, when sent. */
  readonly instructions?: unknown;
  /** The `Authorization` header. */
  readonly authorization: string | undefined;
}

/** A running stand-in. */
export interface OpenAiSpeechServer {
  /** Its base URL, with `/v1` (for `createOpenAiTts({ baseURL })`). */
  readonly url: string;
  /** Every request, in order. */
  readonly requests: readonly ReceivedSpeechRequest[];
  /** Requests the client closed before their audio was all sent (a barge-in's abort). */
  readonly aborted: number;
  /** `performance.now()` when it last sent the first audio bytes of an answer. */
  readonly firstAudioAt: number | undefined;
  /** What it does with the next requests (default `speak`). */
  behave(next: SpeechServiceBehaviour): void;
  /** Lets stalled answers go on. */
  release(): void;
  /** Resolves once no request is open (answered, refused or aborted). */
  idle(): Promise<void>;
  /** Stops it, dropping open connections. */
  close(): Promise<void>;
}

/** The state a stand-in's handlers share. */
interface State {
  readonly options: Required<Omit<OpenAiSpeechServerOptions, 'apiKey'>> & {
    readonly apiKey: string | undefined;
  };
  behaviour: SpeechServiceBehaviour;
  readonly requests: ReceivedSpeechRequest[];
  aborted: number;
  /** Answers it dropped itself (not the client's abort). */
  readonly dropped: WeakSet<ServerResponse>;
  open: number;
  firstAudioAt: number | undefined;
  readonly waiting: Set<() => void>;
  readonly idle: Set<() => void>;
}

/** Why a well-formed request is refused (as OpenAI would), or undefined. */
function refusalOf(state: State, req: IncomingMessage, body: Record<string, unknown>) {
  const { apiKey, voices } = state.options;
  const invalid = 'invalid_request_error';
  if (apiKey !== undefined && req.headers.authorization !== `Bearer ${apiKey}`)
    return openAiError(401, 'Incorrect API key provided.', invalid, 'invalid_api_key');
  if (typeof body['input'] !== 'string' || !body['input'].trim())
    return openAiError(400, 'Input is empty.', invalid, 'invalid_value', 'input');
  const voice = String(body['voice']);
  if (!voices.includes(voice))
    return openAiError(
      400,
      `Invalid value: '${voice}'. Supported values are: ${voices.join(', ')}.`,
      invalid,
      'invalid_value',
      'voice',
    );
  return undefined;
}

/** The PCM bytes that speak `input`. */
function audioFor(state: State, input: string): Buffer {
  const { sampleRate, msPerChar } = state.options;
  const samples = speechLike(sampleRate, (input.length * msPerChar) / 1000);
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** Streams `audio` piece by piece, as the behaviour says; resolves when done or aborted. */
async function streamAudio(state: State, res: ServerResponse, audio: Buffer): Promise<void> {
  const { sampleRate, chunkBytes, delayMs } = state.options;
  const behaviour = state.behaviour;
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  res.writeHead(200, {
    'content-type': sampleRate === 24_000 ? 'audio/pcm' : `audio/pcm;rate=${sampleRate}`,
  });
  for (let at = 0; at < audio.length && !res.destroyed; at += chunkBytes) {
    if (at === 0) state.firstAudioAt = performance.now();
    res.write(audio.subarray(at, at + chunkBytes));
    if (at === 0 && behaviour === 'drop') {
      state.dropped.add(res);
      return void res.socket?.destroy();
    }
    if (at === 0 && behaviour === 'stall')
      await new Promise<void>((resolve) => {
        state.waiting.add(resolve);
        res.once('close', resolve);
      });
    // A pause between pieces, as a service that makes audio as it goes.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  res.end();
}

/** Answers one request. */
async function handle(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/v1/audio/speech')
    return send(
      res,
      openAiError(404, 'Unknown request URL.', 'invalid_request_error', 'unknown_url'),
    );
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(await text(req)) as Record<string, unknown>;
  } catch {
    return send(
      res,
      openAiError(400, 'We could not parse the JSON body.', 'invalid_request_error', null),
    );
  }
  const { model, input, voice, response_format, speed, instructions } = body;
  state.requests.push({
    model,
    input,
    voice,
    response_format,
    ...(speed !== undefined && { speed }),
    ...(instructions !== undefined && { instructions }),
    authorization: req.headers.authorization,
  });
  if (state.behaviour !== 'speak' && state.behaviour !== 'stall' && state.behaviour !== 'drop')
    return sendFailure(res, state.behaviour);
  const refused = refusalOf(state, req, body);
  if (refused) return send(res, refused);
  await streamAudio(state, res, audioFor(state, String(input)));
}

/** Starts the stand-in on a free loopback port. */
export async function startOpenAiSpeechServer(
  options: OpenAiSpeechServerOptions = {},
): Promise<OpenAiSpeechServer> {
  const state: State = {
    options: {
      apiKey: options.apiKey,
      voices: options.voices ?? OPENAI_VOICES,
      msPerChar: options.msPerChar ?? 65,
      sampleRate: options.sampleRate ?? 24_000,
      chunkBytes: options.chunkBytes ?? 4801,
      delayMs: options.delayMs ?? 0,
    },
    behaviour: 'speak',
    requests: [],
    aborted: 0,
    dropped: new WeakSet(),
    open: 0,
    firstAudioAt: undefined,
    waiting: new Set(),
    idle: new Set(),
  };
  const server = createServer((req, res) => {
    state.open++;
    res.once('close', () => {
      if (!res.writableFinished && !state.dropped.has(res)) state.aborted++;
      state.open--;
      if (state.open === 0) for (const resolve of state.idle) resolve();
      if (state.open === 0) state.idle.clear();
    });
    handle(state, req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests: state.requests,
    get aborted() {
      return state.aborted;
    },
    get firstAudioAt() {
      return state.firstAudioAt;
    },
    behave(next) {
      state.behaviour = next;
    },
    release() {
      for (const resolve of state.waiting) resolve();
      state.waiting.clear();
    },
    idle: () =>
      state.open === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => state.idle.add(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
