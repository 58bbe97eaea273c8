import type { ServerResponse } from 'node:http';

/** The ways the stand-in fails a request at once, each as a real service would. */
export type SpeechServiceFailure =
  /** 401 with OpenAI's error body (its message padded long, as an attacker's would be). */
  | 'http-401'
  /** 429 with OpenAI's rate-limit body. */
  | 'http-429'
  /** 400 with OpenAI's error body (an invalid parameter). */
  | 'http-400'
  /** 400 with FastAPI's `{ detail: { … } }` body, as Kokoro-FastAPI refuses. */
  | 'http-400-detail'
  /** 500 with a body that is not JSON. */
  | 'http-500'
  /** Reads the request and never answers. */
  | 'hang'
  /** 200 with a web page. */
  | 'not-audio'
  /** 200 with `audio/mpeg`: the service ignored `response_format: "pcm"`. */
  | 'mp3'
  /** 200 with raw PCM of an odd number of bytes. */
  | 'odd-bytes'
  /** 200 with an empty body. */
  | 'empty';

/** An HTTP answer: status, type, body. */
export type Reply = readonly [status: number, type: string, body: string | Buffer];

/** A JSON answer. */
export const json = (status: number, value: unknown): Reply => [
  status,
  'application/json',
  JSON.stringify(value),
];

/** An answer with OpenAI's error body. */
export const openAiError = (
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
) => json(status, { error: { message, type, param, code } });

/** Sends `reply`. */
export function send(res: ServerResponse, [status, type, body]: Reply): void {
  res.writeHead(status, { 'content-type': type }).end(body);
}

/** How each failure answers (`hang`: never). */
const REPLIES: Record<Exclude<SpeechServiceFailure, 'hang'>, Reply> = {
  'http-401': openAiError(
    401,
    `Incorrect API key provided: sk-${'x'.repeat(400)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    'invalid_api_key',
  ),
  'http-429': openAiError(
    429,
    'Rate limit reached for gpt-4o-mini-tts in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
    'requests',
    'rate_limit_exceeded',
  ),
  'http-400': openAiError(
    400,
    "[{'type': 'less_than_equal', 'loc': ('body', 'speed'), 'msg': 'Input should be less than or equal to 4'}]",
    'invalid_request_error',
    null,
  ),
  'http-400-detail': json(400, {
    detail: {
      error: 'validation_error',
      message: "Voice 'xx' not found. Available voices: af_bella, af_sky",
      type: 'invalid_request_error',
    },
  }),
  'http-500': [500, 'text/plain', 'Internal Server Error'],
  'not-audio': [200, 'text/html', '<html>Sign in</html>'],
  mp3: [200, 'audio/mpeg', Buffer.from([0xff, 0xf3, 0x44, 0xc4])],
  'odd-bytes': [200, 'audio/pcm', Buffer.alloc(4801, 7)],
  empty: [200, 'audio/pcm', ''],
};

/** Fails `res` the way `failure` says. */
export function sendFailure(res: ServerResponse, failure: SpeechServiceFailure): void {
  if (failure !== 'hang') send(res, REPLIES[failure]);
}
