import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CREATE_STREAM_PATH } from '@psrkit/protocol';
import { DEFAULT_ANSWER_SAMPLE } from './bundled-samples.js';
import { CallLog, type CallLogEntry } from './call-log.js';
import type { CallReport } from './call-report.js';
import type { CalleeBehaviour, CalleeRules } from './callee-behaviour.js';
import { type CalleeBook, compileCallees } from './callee-book.js';
import { type CreateStreamRequest, readCreateStreamForm } from './create-stream-form.js';
import { runOutboundCall } from './outbound-call.js';
import type { PlaceCallOptions } from './place-call.js';

export type { CreateStreamRequest } from './create-stream-form.js';

/** Options of {@link startPsrApiEmulator}. */
export interface PsrApiEmulatorOptions {
  /** Bearer tokens accepted (several for rotation). */
  readonly tokens: readonly string[];
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Base of the recording URLs in answers (default the emulator's own URL). */
  readonly recordingBaseUrl?: string;
  /**
   * What the callee says when no callee rule decides (`callees.default` not given): they
   * answer at once and this plays, then `call.tailMs` (default: the bundled `caller.wav`).
   * PSR places the call, so the callee is the called party: their voice is on side B
   * (`mono_b`, or the right channel of `stereo`) unless `call.side` says otherwise.
   */
  readonly callee?: Int16Array;
  /**
   * What happens to each call, by destination number: answered, busy, voicemail, refused…
   * (see {@link CalleeRules}; {@link loadCallees} reads them from a JSON file).
   */
  readonly callees?: CalleeRules;
  /** Options for each placed call. */
  readonly call?: Partial<
    Omit<
      PlaceCallOptions,
      'url' | 'caller' | 'callId' | 'params' | 'channel' | 'prompt' | 'signal' | 'tailNoise'
    >
  >;
  /** Called with each call's report, or the error that stopped it; with neither when it never connected. */
  readonly onCall?: (outcome: {
    request: CreateStreamRequest;
    report?: CallReport;
    error?: unknown;
  }) => void;
  /** Called with each entry of the witness log as it is written (see {@link PsrApiEmulator.log}). */
  readonly onLog?: (entry: CallLogEntry) => void;
  /** Largest request body, bytes (default 10 MiB). */
  readonly maxBodyBytes?: number;
}

/** A call create-stream accepted. */
export interface EmulatedOutboundCall {
  /** The request as understood. */
  readonly request: CreateStreamRequest;
  /** The callee rule that decided (`default` when none matched). */
  readonly rule: string;
  /** Its behaviour. */
  readonly behaviour: CalleeBehaviour['type'];
  /** Settles when the call ends: its report, or undefined when the WebSocket never opened. */
  readonly done: Promise<CallReport | undefined>;
}

/** A running emulator of PSR's create-stream API (see {@link startPsrApiEmulator}). */
export interface PsrApiEmulator {
  /** Its base URL: give it to `createStream` as `baseUrl`. */
  readonly url: string;
  /** Calls placed so far (their reports settle as they end). */
  readonly calls: readonly EmulatedOutboundCall[];
  /**
   * The witness log: every create-stream request and its answer, each call's opening and
   * end, in order (`psr-sim serve-api --log` writes it as JSON Lines).
   */
  readonly log: readonly CallLogEntry[];
  /** Calls in progress now: ringing or connected. */
  readonly live: number;
  /** Calls whose WebSocket is open now. */
  readonly connected: number;
  /** The most calls at once so far: in progress, and connected. */
  readonly peak: { readonly live: number; readonly connected: number };
  /**
   * The first log entry, already written or to come, that `match` accepts.
   * @throws {SimulatorError} `EMULATOR_CLOSED` when the emulator closes first
   */
  waitFor(match: (entry: CallLogEntry) => boolean): Promise<CallLogEntry>;
  /**
   * Stops taking requests, drops the calls still ringing (logged as ended by `emulator`)
   * and waits for the calls under way to end; with `hangUp`, ends them first.
   */
  close(options?: { readonly hangUp?: boolean }): Promise<void>;
}

/** What the request handler works with. */
interface EmulatorState {
  readonly options: PsrApiEmulatorOptions;
  readonly tokens: readonly Buffer[];
  readonly book: CalleeBook;
  readonly log: CallLog;
  readonly calls: EmulatedOutboundCall[];
  readonly closing: AbortController;
  readonly hangingUp: AbortController;
  baseUrl: string;
}

/**
 * PSR's create-stream REST API, emulated: `POST /psr/v1/call/stream` with a bearer
 * token and a multipart form, answered with the contract's JSON; then the call is placed
 * to the form's `url` with `parameter` as dynamic query parameters, and the callee does
 * what the `callees` rule for its `destination` says (answers, is busy, a voicemail…); with
 * `app=bot`, the `audio_file` plays to the callee once they answer (unless `is_silence`).
 *
 * @example
 * ```ts
 * const api = await startPsrApiEmulator({
 *   tokens: ['t'],
 *   callees: { rules: [{ match: '+8490*', callee: { type: 'busy', ringMs: 50 } }] },
 * });
 * await createStream({ baseUrl: api.url, token: 't', url: server.url, destination: '+84901', app: 'bot' });
 * const end = await api.waitFor((e) => e.event === 'close');
 * ```
 * @throws {SimulatorError} `INVALID_CALLEES` when a rule is malformed or names a recording that cannot be read
 */
export async function startPsrApiEmulator(options: PsrApiEmulatorOptions): Promise<PsrApiEmulator> {
  const fallback: CalleeBehaviour = {
    type: 'answer',
    ringMs: 0,
    wav: options.callee ?? DEFAULT_ANSWER_SAMPLE,
  };
  const state: EmulatorState = {
    options,
    tokens: options.tokens.map((t) => Buffer.from(t)),
    book: await compileCallees(options.callees ?? {}, fallback),
    log: new CallLog(options.onLog),
    calls: [],
    closing: new AbortController(),
    hangingUp: new AbortController(),
    baseUrl: '',
  };
  const server: Server = createServer((req, res) => {
    handle(state, req, res).catch((error: unknown) => {
      if (!res.headersSent) answer(res, 500, 'INTERNAL_ERROR', (error as Error).message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  state.baseUrl = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const { log } = state;
  return {
    url: state.baseUrl,
    calls: state.calls,
    log: log.entries,
    get live() {
      return log.live;
    },
    get connected() {
      return log.connected;
    },
    get peak() {
      return log.peak;
    },
    waitFor: (match) => log.waitFor(match),
    async close({ hangUp = false } = {}) {
      state.closing.abort();
      if (hangUp) state.hangingUp.abort();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(state.calls.map((c) => c.done));
      log.close();
    },
  };
}

function answer(res: ServerResponse, status: number, code: string, message: string, data?: object) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message, ...(data && { data }) }));
}

function authorized(state: EmulatorState, req: IncomingMessage): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  return state.tokens.some((t) => t.length === given.length && timingSafeEqual(t, given));
}

/** What the log keeps of a request's form. */
const logged = (fields: Omit<CreateStreamRequest, 'callId'>) => ({
  destination: fields.destination,
  app: fields.app,
  channel: fields.channel,
  url: fields.url,
  parameter: fields.parameter,
});

/** Answers a create-stream request with an error, and logs it. */
function refuse(
  state: EmulatorState,
  res: ServerResponse,
  refusal: { status: number; code: string; message: string },
  seen?: ReturnType<typeof logged> & { rule?: string; behaviour?: CalleeBehaviour['type'] },
) {
  const { status, code, message } = refusal;
  state.log.add({
    event: 'request',
    seq: state.log.nextSeq(),
    parameter: {},
    ...seen,
    status,
    code,
    message,
  });
  answer(res, status, code, message);
}

async function handle(state: EmulatorState, req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path !== CREATE_STREAM_PATH) return answer(res, 404, 'NOT_FOUND', `no endpoint ${path}`);
  if (req.method !== 'POST')
    return refuse(state, res, { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'use POST' });
  if (!authorized(state, req))
    return refuse(state, res, {
      status: 401,
      code: 'UNAUTHORIZED',
      message: 'missing or wrong bearer token',
    });
  const form = await readCreateStreamForm(req, state.options.maxBodyBytes ?? 10 * 1024 * 1024);
  if (!form.ok) return refuse(state, res, form);
  const seen = logged(form.fields);
  if (state.closing.signal.aborted) {
    const message = 'the emulator is closing';
    return refuse(state, res, { status: 503, code: 'SERVICE_UNAVAILABLE', message }, seen);
  }
  const { plan, ...choice } = state.book.pick(form.fields.destination);
  if (plan.kind === 'refuse') return refuse(state, res, plan, { ...seen, ...choice });
  const request: CreateStreamRequest = { callId: randomUUID(), ...form.fields };
  answerOk(state, res, request.callId);
  const seq = state.log.nextSeq();
  const ok = { status: 200, code: 'OK', message: 'OK' };
  state.log.add({ event: 'request', seq, ...ok, callId: request.callId, ...seen, ...choice });
  const done = runOutboundCall({
    request,
    plan,
    prompt: form.prompt,
    seq,
    callOptions: state.options.call ?? {},
    log: state.log,
    closing: state.closing.signal,
    hangingUp: state.hangingUp.signal,
  }).then(
    (report) => {
      state.options.onCall?.(report ? { request, report } : { request });
      return report;
    },
    (error: unknown) => {
      state.options.onCall?.({ request, error });
      return undefined;
    },
  );
  state.calls.push({ request, ...choice, done });
}

/** The contract's OK answer. */
function answerOk(state: EmulatorState, res: ServerResponse, callId: string) {
  const recordings = state.options.recordingBaseUrl ?? `${state.baseUrl}/record`;
  answer(res, 200, 'OK', 'OK', {
    call_id: callId,
    full_recording_url: `${recordings}/full_${callId}.wav`,
    recording_url: `${recordings}/${callId}.wav`,
    status: 'in-progress',
  });
}
