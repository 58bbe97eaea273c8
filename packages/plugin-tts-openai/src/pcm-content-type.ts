import { TtsError } from '@psrkit/pipeline';
import { cutShort } from '@psrkit/protocol';

/** Types that are not raw PCM: text, JSON, a web page, or a compressed or wrapped format. */
const NOT_PCM =
  /^(text\/|application\/(json|problem\+json|xml|xhtml)|audio\/(mpeg|mp3|mp4|wav|wave|x-wav|vnd\.wave|ogg|opus|aac|flac|x-flac|webm))/i;

/**
 * The rate of the raw PCM a `200` answer carries, read from its `Content-Type`: `rate=`
 * when the service says it (openedai-speech's Piper voices send `audio/pcm;rate=22050`),
 * else `fallback` (OpenAI's `pcm` is always 24 kHz).
 * @throws {TtsError} `INVALID_RESPONSE` when the type says the body is not raw PCM
 */
export function pcmRate(contentType: string | null, fallback: number): number {
  const type = (contentType ?? '').trim();
  if (NOT_PCM.test(type))
    throw new TtsError(
      'INVALID_RESPONSE',
      `the service sent ${cutShort(type)}, not raw PCM (does it support response_format "pcm"?)`,
    );
  const rate = /;\s*rate\s*=\s*"?(\d+)/i.exec(type)?.[1];
  if (rate === undefined) return fallback;
  const value = Number(rate);
  if (value < 4000 || value > 192_000)
    throw new TtsError('INVALID_RESPONSE', `the service sent PCM at ${value} Hz`);
  return value;
}
