import { performance } from 'node:perf_hooks';
import { setTimeout as sleep, setImmediate as tick } from 'node:timers/promises';
import { fakeSpeech } from '@psrkit/pipeline/testing';
import { concatPcm, encodeBase64, pcm16ToBytes } from '@psrkit/protocol';
import { type WebSocket, WebSocket as WebSocketClass } from 'ws';
import type {
  FakeCartesiaBehaviour,
  FakeCartesiaContext,
  FakeCartesiaSocket,
} from './fake-cartesia.js';

/** How the stand-in serves the contexts started while it is in force. */
export interface SocketConfig {
  readonly behaviour: FakeCartesiaBehaviour;
  readonly voices: readonly string[];
  readonly msPerChar: number;
  readonly chunkChars: number;
  readonly delayMs: number;
}

/** What a socket shares with the stand-in: its config now, its index, the contexts list. */
interface Shared {
  readonly config: () => SocketConfig;
  readonly index: number;
  readonly contexts: FakeCartesiaContext[];
}

type Request = Record<string, unknown>;
type Ending = 'done' | 'cancelled' | 'failed' | 'disconnected';

/** What is wrong with a generation request, as Cartesia's error fields; undefined if nothing. */
function requestProblem(request: Request, voices: readonly string[]) {
  const voice = request['voice'] as { mode?: unknown; id?: unknown } | undefined;
  const format = request['output_format'] as Record<string, unknown> | undefined;
  if (typeof request['model_id'] !== 'string' || typeof request['transcript'] !== 'string')
    return { error_code: 'invalid_request', message: 'model_id and transcript are required' };
  if (typeof request['language'] !== 'string' || typeof request['continue'] !== 'boolean')
    return { error_code: 'invalid_request', message: 'language and continue are required' };
  if (format?.['container'] !== 'raw' || format['encoding'] !== 'pcm_s16le')
    return { error_code: 'invalid_request', message: 'this stand-in speaks raw pcm_s16le only' };
  if (typeof format['sample_rate'] !== 'number')
    return { error_code: 'invalid_request', message: 'output_format.sample_rate is required' };
  if (voice?.mode !== 'id' || typeof voice.id !== 'string' || !voices.includes(voice.id))
    return { error_code: 'voice_not_found', message: `no voice ${JSON.stringify(voice?.id)}` };
  return undefined;
}

/** A request's fields that must not change within a context (all but the text and `continue`). */
const fixedFields = ({ transcript, continue: _more, duration, ...rest }: Request) =>
  JSON.stringify(rest);

/** The timestamps of a transcript's words, seconds from the context's start (at `atMs`). */
function wordTimestamps(transcript: string, atMs: number, msPerChar: number) {
  const words = [...transcript.matchAll(/\S+/g)];
  return {
    words: words.map((match) => match[0]),
    start: words.map((match) => (atMs + match.index * msPerChar) / 1000),
    end: words.map((match) => (atMs + (match.index + match[0].length) * msPerChar) / 1000),
  };
}

/** The timestamps as a misbehaving service sends them. */
function spoilTimestamps(
  behaviour: FakeCartesiaBehaviour,
  stamps: ReturnType<typeof wordTimestamps>,
) {
  if (behaviour === 'disorder')
    return { ...stamps, start: [...stamps.start].reverse(), end: [...stamps.end].reverse() };
  if (behaviour === 'overrun')
    return {
      ...stamps,
      start: stamps.start.map((t) => t * 1000),
      end: stamps.end.map((t) => t * 1000),
    };
  return stamps;
}

/**
 * One context: transcripts generated in order, each as its word timestamps and then its
 * audio in chunks one event-loop turn apart (so a cancel lands midway), `done` after the
 * last (`continue: false`).
 */
class FakeContext {
  readonly record: FakeCartesiaContext & {
    transcripts: string[];
    firstAudioAt: number | undefined;
  };
  readonly #ws: WebSocket;
  readonly #config: SocketConfig;
  readonly #fixed: string;
  #end!: (ending: Ending) => void;
  #over = false;
  #closedInput = false;
  #atMs = 0;
  #chunks = 0;
  #generations: Promise<void> = Promise.resolve();

  constructor(ws: WebSocket, config: SocketConfig, id: string, socket: number, first: Request) {
    this.#ws = ws;
    this.#config = config;
    this.#fixed = fixedFields(first);
    const ended = new Promise<Ending>((resolve) => {
      this.#end = resolve;
    });
    this.record = { id, socket, transcripts: [], firstAudioAt: undefined, ended };
  }

  take(request: Request) {
    if (this.#over) return;
    const problem = this.#problem(request);
    if (problem) return this.fail(400, problem);
    if (this.#config.behaviour === 'limit')
      return this.fail(429, { error_code: 'concurrency_limited', message: 'Too many requests' });
    const transcript = request['transcript'] as string;
    this.record.transcripts.push(transcript);
    if (this.#config.behaviour === 'mute') return;
    this.#closedInput = request['continue'] === false;
    const closing = this.#closedInput;
    const rate = (request['output_format'] as { sample_rate: number }).sample_rate;
    this.#generations = this.#generations.then(async () => {
      await this.#speak(transcript, rate);
      if (closing) this.#finish('done', { type: 'done', done: true, status_code: 206 });
    });
  }

  /** The client cancelled it (`cancelled`), or its socket closed under it (`disconnected`). */
  end(ending: 'cancelled' | 'disconnected') {
    this.#finish(ending);
  }

  #problem(request: Request) {
    const problem = requestProblem(request, this.#config.voices);
    if (problem) return problem;
    if (fixedFields(request) !== this.#fixed)
      return {
        error_code: 'invalid_request',
        message: 'a continuation changed more than its text',
      };
    if (this.#closedInput)
      return { error_code: 'invalid_request', message: 'the context was already closed' };
    return undefined;
  }

  fail(status: number, fields: Record<string, unknown>) {
    const error = { type: 'error', done: true, status_code: status, title: 'Error', ...fields };
    this.#finish('failed', error);
  }

  #finish(ending: Ending, message?: Record<string, unknown>) {
    if (this.#over) return;
    this.#over = true;
    if (message) this.#send(message);
    this.#end(ending);
  }

  #send(message: Record<string, unknown>) {
    if (this.#ws.readyState === WebSocketClass.OPEN)
      this.#ws.send(JSON.stringify({ ...message, context_id: this.record.id }));
  }

  async #speak(transcript: string, sampleRate: number) {
    const { behaviour, msPerChar, chunkChars, delayMs } = this.#config;
    if (transcript === '') return;
    if (this.record.firstAudioAt === undefined && delayMs > 0) await sleep(delayMs);
    const stamps = spoilTimestamps(behaviour, wordTimestamps(transcript, this.#atMs, msPerChar));
    if (this.#over) return;
    this.#send({ type: 'timestamps', done: false, status_code: 206, word_timestamps: stamps });
    const chars = fakeSpeech(transcript, sampleRate, msPerChar);
    this.#atMs += chars.length * msPerChar;
    for (let i = 0; i < chars.length && !this.#over; i += chunkChars) {
      const pcm = concatPcm(chars.slice(i, i + chunkChars).map(({ samples }) => samples));
      const data = behaviour === 'malformed' ? 42 : encodeBase64(pcm16ToBytes(pcm));
      this.record.firstAudioAt ??= performance.now();
      this.#send({ type: 'chunk', done: false, status_code: 206, step_time: 1, data });
      const first = this.#chunks++ === 0;
      if (first && behaviour === 'drop') return void this.#ws.terminate();
      if (first && behaviour === 'garbage') return this.#ws.send('<html>502 Bad Gateway</html>');
      await tick();
    }
  }
}

/** Serves one socket: its requests routed to their contexts. */
export function serveSocket(
  ws: WebSocket,
  shared: Shared,
  hello: Pick<FakeCartesiaSocket, 'apiKey' | 'version'>,
): FakeCartesiaSocket {
  const received: unknown[] = [];
  const contexts = new Map<string, FakeContext>();
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => {}); // a client that drops is what some tests do
  ws.on('close', () => {
    for (const context of contexts.values()) context.end('disconnected');
  });
  ws.on('message', (data) => {
    let request: Request;
    try {
      request = JSON.parse(data.toString());
    } catch {
      const message = 'Could not parse the message as JSON';
      return ws.send(JSON.stringify({ type: 'error', done: true, status_code: 400, message }));
    }
    received.push(request);
    const id = request['context_id'];
    if (typeof id !== 'string') return;
    if (request['cancel'] === true) return contexts.get(id)?.end('cancelled');
    let context = contexts.get(id);
    if (!context) {
      context = new FakeContext(ws, shared.config(), id, shared.index, request);
      contexts.set(id, context);
      shared.contexts.push(context.record);
    }
    context.take(request);
  });
  return { ...hello, received, closed };
}
