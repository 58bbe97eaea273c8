import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspectWav, toMono8k } from '@psrkit/line';
import { CREATE_STREAM_PATH, PSR_CHANNELS, type PsrChannel } from '@psrkit/protocol';
import type { CallReport } from './call-report.js';
import { type PlaceCallOptions, placeCall } from './place-call.js';

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
   * The callee of every placed call. PSR places the call, so the callee is the called
   * party: their voice is on side B (`mono_b`, or the right channel of `stereo`) unless
   * `call.side` says otherwise.
   */
  readonly callee: Int16Array;
  /** Options for each placed call. */
  readonly call?: Partial<
    Omit<PlaceCallOptions, 'url' | 'caller' | 'callId' | 'params' | 'channel'>
  >;
  /** Called with each call's report, or the error that stopped it. */
  readonly onCall?: (outcome: {
    request: CreateStreamRequest;
    report?: CallReport;
    error?: unknown;
  }) => void;
  /** Largest request body, bytes (default 10 MiB). */
  readonly maxBodyBytes?: number;
}

/** A create-stream request as the emulator understood it. */
export interface CreateStreamRequest {
  /** The `call_id` the emulator gave the call. */
  readonly callId: string;
  /** The bot's WebSocket URL the call streams to. */
  readonly url: string;
  /** The number to call. */
  readonly destination: string;
  /** `bot`: stream the call to the bot; `dial`: connect it to `extension`. */
  readonly app: 'dial' | 'bot';
  /** The channel layout asked for. */
  readonly channel: PsrChannel;
  /** `dial` only: the extension to connect the callee to. */
  readonly extension?: string;
  /** `true`: no `audio_file` plays to the callee first. */
  readonly isSilence: boolean;
  /** Size of the `audio_file` sent, bytes. */
  readonly audioFileBytes?: number;
  /** Dynamic parameters passed on to the bot's URL. */
  readonly parameter: Readonly<Record<string, string>>;
}

/** A running emulator of PSR's create-stream API (see {@link startPsrApiEmulator}). */
export interface PsrApiEmulator {
  /** Its base URL: give it to `createStream` as `baseUrl`. */
  readonly url: string;
  /** Calls placed so far (their reports settle as they end). */
  readonly calls: readonly {
    request: CreateStreamRequest;
    done: Promise<CallReport | undefined>;
  }[];
  /** Stops taking requests and waits for the calls under way to end. */
  close(): Promise<void>;
}

/**
 * PSR's create-stream REST API, emulated: `POST /psr/v1/call/stream` with a bearer
 * token and a multipart form, answered with the contract's JSON; then the call is placed
 * to the form's `url` with `parameter` as dynamic query parameters; with `app=bot`, the
 * `audio_file` plays to the callee first (unless `is_silence`).
 */
export async function startPsrApiEmulator(options: PsrApiEmulatorOptions): Promise<PsrApiEmulator> {
  const tokens = options.tokens.map((t) => Buffer.from(t));
  const calls: { request: CreateStreamRequest; done: Promise<CallReport | undefined> }[] = [];
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  let baseUrl = '';

  const answer = (
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    data?: object,
  ) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code, message, ...(data && { data }) }));
  };

  const authorized = (req: IncomingMessage): boolean => {
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return false;
    const given = Buffer.from(match[1]!.trim());
    return tokens.some((t) => t.length === given.length && timingSafeEqual(t, given));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== CREATE_STREAM_PATH) return answer(res, 404, 'NOT_FOUND', `no endpoint ${path}`);
    if (req.method !== 'POST') return answer(res, 405, 'METHOD_NOT_ALLOWED', 'use POST');
    if (!authorized(req)) return answer(res, 401, 'UNAUTHORIZED', 'missing or wrong bearer token');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody)
        return answer(res, 413, 'PAYLOAD_TOO_LARGE', `body over ${maxBody} bytes`);
      chunks.push(chunk as Buffer);
    }
    let form: FormData;
    try {
      form = await new Request('http://x', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: Buffer.concat(chunks),
      }).formData();
    } catch (error) {
      return answer(
        res,
        400,
        'INVALID_REQUEST',
        `body is not multipart/form-data: ${(error as Error).message}`,
      );
    }
    const parsed = parseForm(form);
    if (typeof parsed === 'string') return answer(res, 400, 'INVALID_REQUEST', parsed);
    // app=bot: PSR plays audio_file to the callee once they answer (unless is_silence).
    let prompt: Int16Array | undefined;
    const file = form.get('audio_file');
    if (parsed.app === 'bot' && !parsed.isSilence && file instanceof Blob) {
      const wav = inspectWav(new Uint8Array(await file.arrayBuffer()));
      if (!wav.pcm)
        return answer(res, 400, 'INVALID_REQUEST', `audio_file: ${wav.problems[0]?.message}`);
      try {
        prompt = toMono8k(wav.pcm, wav.sampleRate, wav.channels);
      } catch (error) {
        return answer(res, 400, 'INVALID_REQUEST', `audio_file: ${(error as Error).message}`);
      }
    }
    const request: CreateStreamRequest = { callId: randomUUID(), ...parsed };
    const recordings = options.recordingBaseUrl ?? `${baseUrl}/record`;
    answer(res, 200, 'OK', 'OK', {
      call_id: request.callId,
      full_recording_url: `${recordings}/full_${request.callId}.wav`,
      recording_url: `${recordings}/${request.callId}.wav`,
      status: 'in-progress',
    });
    const done = placeCall({
      side: 'b',
      ...options.call,
      url: request.url,
      callId: request.callId,
      channel: request.channel,
      params: request.parameter,
      caller: options.callee,
      ...(prompt && { prompt }),
    }).then(
      (report) => {
        options.onCall?.({ request, report });
        return report;
      },
      (error: unknown) => {
        options.onCall?.({ request, error });
        return undefined;
      },
    );
    calls.push({ request, done });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) answer(res, 500, 'INTERNAL_ERROR', (error as Error).message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  baseUrl = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  return {
    url: baseUrl,
    calls,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(calls.map((c) => c.done));
    },
  };
}

/** The form's fields, checked as PSR documents them; a message when something is wrong. */
function parseForm(form: FormData): Omit<CreateStreamRequest, 'callId'> | string {
  const text = (name: string): string | undefined => {
    const value = form.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const url = text('url');
  if (!url || !/^wss?:\/\//.test(url))
    return `url: a ws:// or wss:// URL is required, got ${JSON.stringify(url ?? null)}`;
  const destination = text('destination')?.trim();
  if (!destination) return 'destination: required';
  const app = text('app') ?? 'dial';
  if (app !== 'dial' && app !== 'bot')
    return `app: must be "dial" or "bot", got ${JSON.stringify(app)}`;
  const channel = text('channel') ?? 'stereo';
  if (!(PSR_CHANNELS as readonly string[]).includes(channel))
    return `channel: must be one of ${PSR_CHANNELS.join(', ')}, got ${JSON.stringify(channel)}`;
  const extension = text('extension');
  if (app === 'dial' && !extension) return 'extension: required when app is "dial"';
  const silence = text('is_silence');
  if (silence !== undefined && silence !== 'true' && silence !== 'false')
    return `is_silence: must be "true" or "false", got ${JSON.stringify(silence)}`;
  const file = form.get('audio_file');
  let parameter: Record<string, string> = {};
  const rawParameter = text('parameter');
  if (rawParameter !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawParameter);
    } catch {
      return `parameter: not JSON: ${rawParameter.slice(0, 80)}`;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return 'parameter: must be a JSON object';
    parameter = Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  }
  return {
    url,
    destination,
    app,
    channel: channel as PsrChannel,
    ...(extension !== undefined && { extension }),
    isSilence: silence === 'true',
    ...(file instanceof Blob && { audioFileBytes: file.size }),
    parameter,
  };
}
