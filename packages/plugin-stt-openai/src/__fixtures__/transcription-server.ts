// A local stand-in for an OpenAI-compatible transcription service, speaking the documented
// wire format: `POST /v1/audio/transcriptions`, multipart (`file`, `model`, `language`,
// `response_format`), answered with `verbose_json` — or with what a failing service does.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { decodeWav } from '@psrkit/protocol';

export type Behaviour = 'transcribe' | 'http-500' | 'http-401' | 'hang' | 'drop' | 'not-json';

export interface Received {
  readonly model: string;
  readonly language: string | null;
  readonly responseFormat: string | null;
  readonly authorization: string | undefined;
  readonly sampleRate: number;
  readonly seconds: number;
}


/** Answers speech (any audible WAV) with `text`, silence with an empty transcript. */
export async function startTranscriptionServer(text = 'xin chào, tôi muốn hỏi về đơn hàng') {
  let behaviour: Behaviour = 'transcribe';
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') {
      res.writeHead(404).end();
      return;
    }
    const bytes = await buffer(req);
    if (behaviour === 'hang') return; // never answers
    if (behaviour === 'drop') return void req.socket.destroy();
    const form = await new Request('http://local/', {
      method: 'POST',
      headers: req.headers as Record<string, string>,
      body: bytes,
    }).formData();
    const file = form.get('file') as File;
    const wav = decodeWav(new Uint8Array(await file.arrayBuffer()));
    const seconds = wav.samples.length / wav.sampleRate;
    received.push({
      model: String(form.get('model')),
      language: form.get('language') as string | null,
      responseFormat: form.get('response_format') as string | null,
      authorization: req.headers.authorization,
      sampleRate: wav.sampleRate,
      seconds,
    });
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (behaviour === 'http-500')
      return json(500, { error: { message: 'The server had an error', type: 'server_error' } });
    if (behaviour === 'http-401')
      return json(401, {
        error: { message: `Incorrect API key provided: ${'x'.repeat(400)}`, type: 'invalid_request_error' },
      });
    if (behaviour === 'not-json') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
    const audible = wav.samples.some((s) => Math.abs(s) > 300);
    const said = audible ? text : '';
    json(200, {
      task: 'transcribe',
      language: form.get('language') === 'vi' ? 'vietnamese' : 'english',
      duration: seconds,
      text: said,
      segments: audible
        ? [
            {
              id: 0,
              seek: 0,
              start: 0.2,
              end: Math.max(0.3, seconds - 0.1),
              text: ` ${said}`,
              tokens: [1, 2, 3],
              temperature: 0,
              avg_logprob: -0.2,
              compression_ratio: 1.1,
              no_speech_prob: 0.01,
            },
          ]
        : [],
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    behave(next: Behaviour) {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
