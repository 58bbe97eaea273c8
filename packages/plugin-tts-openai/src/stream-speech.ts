import { createResampler, TtsError } from '@psrkit/pipeline';
import { createPcm16Reader, cutShort } from '@psrkit/protocol';
import { Observable } from 'rxjs';
import { pcmRate } from './pcm-content-type.js';
import { refusal } from './service-refusal.js';
import { createWatchdog, type Watchdog } from './watchdog.js';

/** One `POST …/audio/speech` for one sentence. */
export interface SpeechRequest {
  /** `{baseURL}/audio/speech`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body. */
  readonly body: string;
  /** Rate of the PCM to emit (the answer is resampled to it when it says another). */
  readonly sampleRate: number;
  /** Until the first audio bytes, ms. */
  readonly timeoutMs: number;
  /** Longest wait for the next audio bytes once audio flows, ms. */
  readonly idleTimeoutMs: number;
}

/**
 * The speech one request answers, as mono PCM at `sampleRate` while it streams in (cold:
 * each subscription sends the request). Unsubscribing aborts the request. Fails with a
 * `TtsError`: `HTTP_ERROR` (a refusal, with the service's message cut short), `TIMEOUT`,
 * `NETWORK_ERROR` (no connection, or it broke mid-audio) or `INVALID_RESPONSE` (not PCM).
 */
export function streamSpeech(request: SpeechRequest): Observable<Int16Array> {
  return new Observable<Int16Array>((subscriber) => {
    const abort = new AbortController();
    const watchdog = createWatchdog(abort);
    watchdog.arm(request.timeoutMs, `no audio within ${request.timeoutMs} ms`);
    receive(request, abort.signal, watchdog, (samples) => subscriber.next(samples))
      .then(
        () => subscriber.complete(),
        (error: unknown) => subscriber.error(asTtsError(error, abort.signal)),
      )
      .finally(() => watchdog.stop());
    return () => {
      watchdog.stop();
      abort.abort(new TtsError('NETWORK_ERROR', 'cancelled'));
    };
  });
}

/** Sends the request and passes its audio on, as whole samples at the wanted rate. */
async function receive(
  request: SpeechRequest,
  signal: AbortSignal,
  watchdog: Watchdog,
  emit: (samples: Int16Array) => void,
): Promise<void> {
  const { url, headers, body, sampleRate, idleTimeoutMs } = request;
  const response = await fetch(url, { method: 'POST', headers, body, signal });
  if (!response.ok)
    throw await refusal(
      response,
      response.status === 404 ? ` (is ${url} the speech endpoint? baseURL ends in /v1)` : '',
    );
  const rate = pcmRate(response.headers.get('content-type'), sampleRate);
  const resampler =
    rate === sampleRate ? undefined : createResampler({ inputRate: rate, outputRate: sampleRate });
  const pcm = createPcm16Reader();
  const pass = (samples: Int16Array) => {
    if (samples.length > 0) emit(samples);
  };
  let bytes = 0;
  for await (const piece of response.body ?? []) {
    watchdog.arm(idleTimeoutMs, `no audio for ${idleTimeoutMs} ms in the middle of a sentence`);
    bytes += piece.length;
    const samples = pcm.push(piece);
    pass(resampler ? resampler.push(samples) : samples);
  }
  if (bytes === 0) throw new TtsError('INVALID_RESPONSE', 'the service sent no audio');
  if (pcm.pending)
    throw new TtsError('INVALID_RESPONSE', 'the audio ended in the middle of a sample');
  if (resampler) pass(resampler.flush());
}

/** What a request threw, as a `TtsError`: the watchdog's own, or a broken connection. */
function asTtsError(error: unknown, signal: AbortSignal): TtsError {
  if (signal.aborted && signal.reason instanceof TtsError) return signal.reason;
  if (error instanceof TtsError) return error;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new TtsError('NETWORK_ERROR', `the request failed: ${cutShort(message)}`, {
    cause: error,
  });
}
