import { setTimeout as sleep } from 'node:timers/promises';
import { TtsError } from '@psrkit/pipeline';
import { cut, exchange } from './http-exchange.js';

/** Limits of {@link fetchAudioFile}. */
export interface FetchLimits {
  /** Each look, ms. */
  readonly timeoutMs: number;
  /** Until the file appears, ms. */
  readonly audioTimeoutMs: number;
  /** Between looks, ms. */
  readonly pollIntervalMs: number;
  /** Aborts the looking (the speech was cancelled). */
  readonly signal: AbortSignal;
}

/** Answers that are not audio: text, JSON, XML, a web page. */
const NOT_AUDIO = /^(text\/|application\/(json|xml|xhtml))/i;
/** An MP3 file of a sentence is tens of kB; more than this is not one. */
const MAX_FILE = 16 * 1024 * 1024;

/**
 * The file at `url` once it appears: FPT.AI answers the order at once and writes the MP3
 * seconds later, so until then the link answers 404 (or 403, as storage does for a key
 * that is not there yet) and is looked at again every `pollIntervalMs`.
 * @throws {TtsError} `TIMEOUT` when the file never appeared within `audioTimeoutMs`,
 *   `HTTP_ERROR` for another status, `INVALID_RESPONSE` for a file that is not audio,
 *   `NETWORK_ERROR`
 */
export async function fetchAudioFile(url: string, limits: FetchLimits): Promise<Uint8Array> {
  const { audioTimeoutMs, pollIntervalMs, signal } = limits;
  const deadline = performance.now() + audioTimeoutMs;
  for (;;) {
    const answer = await exchange(
      url,
      { method: 'GET' },
      { timeoutMs: limits.timeoutMs, signal, what: 'the audio file', maxBytes: MAX_FILE },
    );
    if (answer.status === 200) {
      if (NOT_AUDIO.test(answer.contentType) || answer.body.length === 0)
        throw new TtsError(
          'INVALID_RESPONSE',
          `the audio file is not audio (${cut(answer.contentType) || 'empty'})`,
        );
      return answer.body;
    }
    if (answer.status !== 403 && answer.status !== 404)
      throw new TtsError('HTTP_ERROR', `the audio file answered ${answer.status}`, {
        status: answer.status,
      });
    if (performance.now() + pollIntervalMs > deadline)
      throw new TtsError(
        'TIMEOUT',
        `the audio file never appeared after ${audioTimeoutMs / 1000} s (${cut(url)})`,
      );
    await sleep(pollIntervalMs, undefined, { signal }).catch(() => {
      throw signal.reason;
    });
  }
}
