// A local stand-in for FPT.AI's TTS v5, speaking its documented wire format: `POST
// /hmi/tts/v5` with the text as the body and `api_key` (or `api-key`), `voice`, `speed`
// and `format` headers, answered at once with `{ async, error: 0, message, request_id }`;
// the MP3 appears at the `async` link a little later (until then the link answers 404, as
// storage does). It also fails as the real service can: its gateway's 401 and 429, a
// refusal (`error` ≠ 0), a hang, garbage, a file that never appears or is cut off.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { text as readText } from 'node:stream/consumers';
import { createMp3Encoder, speechLike } from '@psrkit/pipeline';

/** What the stand-in does with the next orders. */
export type FptServiceBehaviour =
  /** Answers with a link; the MP3 appears there after `filePolls` looks and `fileDelayMs`. */
  | 'speak'
  /** 401 with the gateway's body (a wrong key). */
  | 'http-401'
  /** 429 with the gateway's body (over the rate limit). */
  | 'http-429'
  /** 400 with FPT.AI's `{ error, message }` body. */
  | 'http-400'
  /** 200 with `error` ≠ 0: a refusal in the answer itself. */
  | 'refuse'
  /** Reads the order and never answers. */
  | 'hang'
  /** 200 with a web page. */
  | 'not-json'
  /** 200 with JSON that has no link. */
  | 'no-link'
  /** Answers with a link where no file ever appears. */
  | 'never'
  /** The file's download breaks half-way. */
  | 'drop-file'
  /** The file is not MP3. */
  | 'garbage-file';

/** Options of {@link startFptTtsServer}. */
export interface FptTtsServerOptions {
  /** When set, an order without this key gets the gateway's 401. */
  readonly apiKey?: string;
  /** Audio per character of text, ms (default 65). */
  readonly msPerChar?: number;
  /** Rate of its MP3s (default 16 000). */
  readonly sampleRate?: number;
  /** Looks at a link answered 404 before its file is there (default 1). */
  readonly filePolls?: number;
  /** And ms after the order before it is there (default 0): the service's own delay. */
  readonly fileDelayMs?: number;
}

/** One order as the stand-in read it. */
export interface ReceivedOrder {
  /** The body: the text to speak. */
  readonly text: string;
  /** The `voice` header. */
  readonly voice: string | undefined;
  /** The `speed` header. */
  readonly speed: string | undefined;
  /** The `format` header. */
  readonly format: string | undefined;
  /** The key, from `api_key` or `api-key`. */
  readonly apiKey: string | undefined;
}

/** A running stand-in. */
export interface FptTtsServer {
  /** Its endpoint (for `createFptTts({ endpoint })`). */
  readonly url: string;
  /** Every order, in order. */
  readonly orders: readonly ReceivedOrder[];
  /** Looks at links, answered or not. */
  readonly polls: number;
  /** Requests the client closed before they were answered (a cancelled speech). */
  readonly aborted: number;
  /** `performance.now()` when it last began to send an MP3 file. */
  readonly firstAudioAt: number | undefined;
  /** What it does with the next orders (default `speak`). */
  behave(next: FptServiceBehaviour): void;
  /** Resolves once no request is open. */
  idle(): Promise<void>;
  /** Stops it, dropping open connections. */
  close(): Promise<void>;
}

/** A file ordered: when it is there, and what it holds. */
interface OrderedFile {
  readonly text: string;
  readonly behaviour: FptServiceBehaviour;
  readonly readyAt: number;
  looks: number;
}

/** The state the stand-in's handlers share. */
interface State {
  readonly options: Required<Omit<FptTtsServerOptions, 'apiKey'>> & {
    readonly apiKey: string | undefined;
  };
  readonly base: { url: string };
  behaviour: FptServiceBehaviour;
  readonly orders: ReceivedOrder[];
  readonly files: Map<string, OrderedFile>;
  readonly mp3s: Map<string, Buffer>;
  polls: number;
  aborted: number;
  open: number;
  firstAudioAt: number | undefined;
  readonly idle: Set<() => void>;
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** An MP3 of speech-like audio as long as `text` would take to say (made once per text). */
function mp3For(state: State, text: string): Buffer {
  const made = state.mp3s.get(text);
  if (made) return made;
  const { sampleRate, msPerChar } = state.options;
  const encoder = createMp3Encoder({ sampleRate, bitrateKbps: 32 });
  const samples = speechLike(sampleRate, (text.length * msPerChar) / 1000);
  const frames = [...encoder.encode(samples), ...encoder.flush()];
  encoder.close();
  const mp3 = Buffer.concat(frames.map((frame) => frame.data));
  state.mp3s.set(text, mp3);
  return mp3;
}

/** An HTTP answer: status, type, body. */
type Reply = readonly [status: number, body: unknown, type?: string];

/** How an order is answered, as the behaviour says (documented limits: 3–5000 characters). */
function orderReply(state: State, order: ReceivedOrder): Reply | undefined {
  const { behaviour } = state;
  const request_id = randomUUID();
  const wrongKey = state.options.apiKey !== undefined && order.apiKey !== state.options.apiKey;
  if (behaviour === 'http-401' || wrongKey)
    return [401, { message: 'Invalid authentication credentials' }];
  if (behaviour === 'http-429') return [429, { message: 'API rate limit exceeded' }];
  if (behaviour === 'hang') return undefined;
  if (behaviour === 'not-json') return [200, '<html>Bad gateway</html>', 'text/html'];
  const length = [...order.text.trim()].length;
  if (length < 3)
    return [400, { error: 1, message: 'Body must have at least 3 characters', request_id }];
  if (behaviour === 'http-400' || length > 5000)
    return [400, { error: 1, message: `Invalid request: ${'x'.repeat(300)}`, request_id }];
  if (behaviour === 'refuse')
    return [200, { error: 3, message: 'Your account is out of characters', request_id }];
  if (behaviour === 'no-link') return [200, { error: 0, message: 'ok', request_id }];
  const id = randomUUID().replaceAll('-', '');
  const readyAt = performance.now() + state.options.fileDelayMs;
  state.files.set(id, { text: order.text, behaviour, readyAt, looks: 0 });
  return [
    200,
    {
      async: `${state.base.url}/text2speech-v5/${order.voice ?? 'banmai'}.0.${id}.mp3`,
      error: 0,
      message: 'The content will be returned after a few seconds under the async link.',
      request_id,
    },
  ];
}

/** Sends a reply (none: the request hangs). */
function send(res: ServerResponse, reply: Reply | undefined): void {
  if (!reply) return;
  const [status, body, type = 'application/json'] = reply;
  res
    .writeHead(status, { 'content-type': type })
    .end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Answers a look at a link: 404 until the file is there, then the file. */
function answerLook(state: State, res: ServerResponse, id: string): void {
  state.polls++;
  const file = state.files.get(id);
  const ready =
    file &&
    file.behaviour !== 'never' &&
    file.looks++ >= state.options.filePolls &&
    performance.now() >= file.readyAt;
  if (!file || !ready)
    return void res
      .writeHead(404, { 'content-type': 'application/xml' })
      .end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
      );
  if (file.behaviour === 'garbage-file')
    return void res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(Buffer.alloc(3000, 0x5a));
  const mp3 = mp3For(state, file.text);
  res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': mp3.length });
  state.firstAudioAt = performance.now();
  if (file.behaviour !== 'drop-file') return void res.end(mp3);
  res.write(mp3.subarray(0, mp3.length >> 1), () => res.socket?.destroy());
}

/** Answers one request. */
async function handle(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const look = /^\/text2speech-v5\/[^/]+\.0\.([0-9a-f]+)\.mp3$/.exec(req.url ?? '');
  if (req.method === 'GET' && look) return answerLook(state, res, look[1]!);
  if (req.method !== 'POST' || req.url !== '/hmi/tts/v5')
    return send(res, [404, { message: 'no Route matched with those values' }]);
  const order: ReceivedOrder = {
    text: await readText(req),
    voice: header(req, 'voice'),
    speed: header(req, 'speed'),
    format: header(req, 'format'),
    apiKey: header(req, 'api_key') ?? header(req, 'api-key'),
  };
  state.orders.push(order);
  send(res, orderReply(state, order));
}

/** Starts the stand-in on a free loopback port. */
export async function startFptTtsServer(options: FptTtsServerOptions = {}): Promise<FptTtsServer> {
  const state: State = {
    options: {
      apiKey: options.apiKey,
      msPerChar: options.msPerChar ?? 65,
      sampleRate: options.sampleRate ?? 16_000,
      filePolls: options.filePolls ?? 1,
      fileDelayMs: options.fileDelayMs ?? 0,
    },
    base: { url: '' },
    behaviour: 'speak',
    orders: [],
    files: new Map(),
    mp3s: new Map(),
    polls: 0,
    aborted: 0,
    open: 0,
    firstAudioAt: undefined,
    idle: new Set(),
  };
  const server = createServer((req, res) => {
    state.open++;
    res.once('close', () => {
      if (!res.headersSent) state.aborted++;
      if (--state.open > 0) return;
      for (const resolve of state.idle) resolve();
      state.idle.clear();
    });
    handle(state, req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.base.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${state.base.url}/hmi/tts/v5`,
    orders: state.orders,
    get polls() {
      return state.polls;
    },
    get aborted() {
      return state.aborted;
    },
    get firstAudioAt() {
      return state.firstAudioAt;
    },
    behave(next) {
      state.behaviour = next;
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
