import type { IncomingMessage } from 'node:http';
import { inspectWav, toMono8k } from '@psrkit/line';
import { PSR_CHANNELS, type PsrChannel } from '@psrkit/protocol';

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

/** A create-stream body read and checked: the request, or the error answer PSR would give. */
export type CreateStreamForm =
  | {
      readonly ok: true;
      readonly fields: Omit<CreateStreamRequest, 'callId'>;
      /** `app=bot`'s `audio_file` as PCM (mono, 8 kHz), unless `is_silence`. */
      readonly prompt?: Int16Array;
    }
  | {
      readonly ok: false;
      readonly status: number;
      readonly code: string;
      readonly message: string;
    };

const invalid = (message: string): CreateStreamForm => ({
  ok: false,
  status: 400,
  code: 'INVALID_REQUEST',
  message,
});

/** Reads the multipart body (at most `maxBody` bytes) and checks it as PSR documents it. */
export async function readCreateStreamForm(
  req: IncomingMessage,
  maxBody: number,
): Promise<CreateStreamForm> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBody)
      return {
        ok: false,
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `body over ${maxBody} bytes`,
      };
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
    return invalid(`body is not multipart/form-data: ${(error as Error).message}`);
  }
  const fields = parseForm(form);
  if (typeof fields === 'string') return invalid(fields);
  // app=bot: PSR plays audio_file to the callee once they answer (unless is_silence).
  const file = form.get('audio_file');
  if (fields.app !== 'bot' || fields.isSilence || !(file instanceof Blob))
    return { ok: true, fields };
  const wav = inspectWav(new Uint8Array(await file.arrayBuffer()));
  if (!wav.pcm) return invalid(`audio_file: ${wav.problems[0]?.message}`);
  try {
    return { ok: true, fields, prompt: toMono8k(wav.pcm, wav.sampleRate, wav.channels) };
  } catch (error) {
    return invalid(`audio_file: ${(error as Error).message}`);
  }
}

/** `parameter`'s JSON object, values as strings; a message when it is not one. */
function parseParameter(raw: string | undefined): Record<string, string> | string {
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return `parameter: not JSON: ${raw.slice(0, 80)}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return 'parameter: must be a JSON object';
  return Object.fromEntries(
    Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
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
  const parameter = parseParameter(text('parameter'));
  if (typeof parameter === 'string') return parameter;
  const file = form.get('audio_file');
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
