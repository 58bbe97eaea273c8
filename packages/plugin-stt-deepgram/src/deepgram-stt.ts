import { type AudioFrame, type SpeechToText, SttError, type Transcript } from '@psrkit/pipeline';
import { pcm16ToBytes } from '@psrkit/protocol';
import { Observable } from 'rxjs';
import WebSocket from 'ws';

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

interface DeepgramWord {
  readonly word: string;
  readonly punctuated_word?: string;
  readonly start: number;
  readonly end: number;
}
interface DeepgramMessage {
  readonly type?: string;
  readonly is_final?: boolean;
  readonly channel?: {
    readonly alternatives?: readonly {
      readonly transcript?: string;
      readonly confidence?: number;
      readonly words?: readonly DeepgramWord[];
    }[];
  };
  readonly description?: string;
  readonly message?: string;
}

const MAX_MESSAGE = 200;
const cut = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text);

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
        let socket: WebSocket | undefined;
        let rate: number | undefined;
        let ended = false; // the audio ended: CloseStream asked for the last results
        const pending: Uint8Array[] = []; // audio before the socket opened
        let timer: NodeJS.Timeout | undefined;
        const fail = (error: SttError) => {
          clearTimeout(timer);
          subscriber.error(error);
          socket?.terminate();
        };
        const wait = (what: string) => {
          clearTimeout(timer);
          timer = setTimeout(
            () => fail(new SttError('TIMEOUT', `no ${what} within ${timeoutMs} ms`)),
            timeoutMs,
          );
        };
        const finish = () => {
          ended = true;
          if (!socket) return subscriber.complete(); // no audio at all
          if (socket.readyState === WebSocket.OPEN)
            socket.send(JSON.stringify({ type: 'CloseStream' }));
          wait('last results from Deepgram');
        };

        const connect = (sampleRate: number) => {
          const query = new URLSearchParams({
            encoding: 'linear16',
            sample_rate: String(sampleRate),
            channels: '1',
            model: options.model ?? 'nova-2',
            language: request.language ?? options.language ?? 'en',
            interim_results: 'true',
            punctuate: 'true',
            endpointing: String(options.endpointingMs ?? 300),
          });
          socket = new WebSocket(`${base}/v1/listen?${query}`, {
            headers: { Authorization: `Token ${options.apiKey}` },
            handshakeTimeout: timeoutMs,
          });
          socket.on('unexpected-response', (_request, response) => {
            const status = response.statusCode ?? 0;
            fail(
              new SttError('HTTP_ERROR', `Deepgram refused the connection: ${status}`, { status }),
            );
          });
          socket.on('open', () => {
            for (const bytes of pending.splice(0)) socket!.send(bytes);
            if (ended) socket!.send(JSON.stringify({ type: 'CloseStream' }));
          });
          socket.on('message', (data, isBinary) => {
            if (isBinary) return;
            let message: DeepgramMessage;
            try {
              message = JSON.parse(data.toString()) as DeepgramMessage;
            } catch {
              return fail(
                new SttError(
                  'INVALID_RESPONSE',
                  `Deepgram sent what is not JSON: ${cut(data.toString())}`,
                ),
              );
            }
            if (message.type === 'Error')
              return fail(
                new SttError(
                  'INVALID_RESPONSE',
                  `Deepgram: ${cut(message.description ?? message.message ?? 'error')}`,
                ),
              );
            if (message.type !== 'Results') return; // Metadata, SpeechStarted, UtteranceEnd
            const best = message.channel?.alternatives?.[0];
            const text = best?.transcript?.trim() ?? '';
            if (text === '') return; // Deepgram settles silence too: nothing was said
            subscriber.next({
              type: message.is_final ? 'final' : 'interim',
              text,
              language: request.language ?? options.language ?? 'en',
              ...(best?.confidence !== undefined && { confidence: best.confidence }),
              ...(best?.words?.length && {
                timings: best.words.map((w) => ({
                  text: w.punctuated_word ?? w.word,
                  startMs: Math.round(w.start * 1000),
                  endMs: Math.round(w.end * 1000),
                })),
              }),
            });
          });
          socket.on('close', (code, reason) => {
            clearTimeout(timer);
            if (subscriber.closed) return;
            // Deepgram closes normally (1000) once it has sent the last results.
            if (ended && code === 1000) return subscriber.complete();
            const why = `${code}${reason.length ? `: ${cut(reason.toString())}` : ''}`;
            subscriber.error(
              new SttError(
                'NETWORK_ERROR',
                ended
                  ? `the connection to Deepgram broke (${why}) before the last results`
                  : `Deepgram closed the connection (${why}) before the audio ended`,
              ),
            );
          });
          socket.on('error', (error) => {
            if (!subscriber.closed)
              fail(
                new SttError(
                  'NETWORK_ERROR',
                  `the connection to Deepgram failed: ${cut(error.message)}`,
                  { cause: error },
                ),
              );
          });
        };

        const source = audio.subscribe({
          next(frame: AudioFrame) {
            if (rate === undefined) {
              rate = frame.sampleRate;
              connect(rate);
            } else if (frame.sampleRate !== rate)
              return fail(
                new SttError(
                  'INVALID_OPTION',
                  `audio changed rate from ${rate} to ${frame.sampleRate} Hz`,
                ),
              );
            const bytes = pcm16ToBytes(frame.samples);
            if (socket?.readyState === WebSocket.OPEN) socket.send(bytes);
            else pending.push(bytes);
          },
          error: (error: unknown) => {
            clearTimeout(timer);
            subscriber.error(error);
            socket?.terminate();
          },
          complete: finish,
        });
        return () => {
          source.unsubscribe();
          clearTimeout(timer);
          if (socket && socket.readyState !== WebSocket.CLOSED) socket.terminate();
        };
      }),
  };
}
