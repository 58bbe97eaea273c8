import { type SpeechToText, SttError, type Transcript } from '@psrkit/pipeline';
import { Observable } from 'rxjs';
import { DeepgramSession } from './deepgram-session.js';

/** Options of {@link createDeepgramStt}. */
export interface DeepgramSttOptions {
  /** Your Deepgram API key (sent as `Authorization: Token …`). */
  readonly apiKey: string;
  /** Default `wss://api.deepgram.com` (a proxy or a test server otherwise). */
  readonly baseUrl?: string;
  /** Default `nova-2` (it speaks Vietnamese); `nova-3` and others as your plan allows. */
  readonly model?: string;
  /** Used when `transcribe` is given none (default `en`). */
  readonly language?: string;
  /** Silence that ends an utterance on Deepgram's side, ms (default 300). */
  readonly endpointingMs?: number;
  /** Connecting, and the last results after the audio ended, may take this long, ms (default 10 000). */
  readonly timeoutMs?: number;
}

/**
 * Streaming speech-to-text on Deepgram's live API: a subscription opens a WebSocket at the
 * first frame's rate, sends the caller's audio as it arrives (binary linear16), emits
 * `interim` transcripts as Deepgram revises them and `final` ones as it settles them, and
 * when the audio ends asks for the last results (`CloseStream`) and completes once
 * Deepgram has closed. Unsubscribing drops the socket; a refused connection (`HTTP_ERROR`
 * with its status), a socket that breaks (`NETWORK_ERROR`) or no answer in time
 * (`TIMEOUT`) are `SttError`s.
 */
export function createDeepgramStt(options: DeepgramSttOptions): SpeechToText {
  const base = (options.baseUrl ?? 'wss://api.deepgram.com').replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!options.apiKey) throw new SttError('INVALID_OPTION', 'apiKey is required');
  if (!/^wss?:\/\//.test(base))
    throw new SttError(
      'INVALID_OPTION',
      `baseUrl must be a ws:// or wss:// URL, got ${JSON.stringify(base)}`,
    );
  return {
    specificationVersion: 1,
    name: 'deepgram',
    sampleRates: [8000, 16000, 24000, 48000],
    streaming: true,
    transcribe: (audio, request = {}) =>
      new Observable<Transcript>((subscriber) => {
        const session = new DeepgramSession(
          {
            base,
            apiKey: options.apiKey,
            model: options.model ?? 'nova-2',
            language: request.language ?? options.language ?? 'en',
            endpointingMs: options.endpointingMs ?? 300,
            timeoutMs,
          },
          subscriber,
        );
        const source = audio.subscribe({
          next: (frame) => session.frame(frame),
          error: (error: unknown) => session.audioFailed(error),
          complete: () => session.audioEnded(),
        });
        return () => {
          source.unsubscribe();
          session.close();
        };
      }),
  };
}
