import {
  type AudioFrame,
  type SpeechToText,
  SttError,
  type TranscribeOptions,
  type Transcript,
} from '@psrkit/pipeline';
import { concatPcm, encodeWav } from '@psrkit/protocol';
import {
  APICallError,
  NoTranscriptGeneratedError,
  RetryError,
  type TranscriptionModel,
  type Experimental_TranscriptionResult as TranscriptionResult,
  experimental_transcribe as transcribe,
} from 'ai';
import { Observable, type Subscriber } from 'rxjs';

/** AI SDK provider options for one request, from what the bot asked for. */
type ProviderOptions = (options: TranscribeOptions) => Record<string, Record<string, string>>;

/** Options of {@link createAiSdkStt}. */
export interface AiSdkSttOptions {
  /** Any AI SDK transcription model: `createOpenAI({ baseURL }).transcription('whisper-1')`, Groq's, … */
  readonly model: TranscriptionModel;
  /** The plugin's name in logs (default `ai-sdk`). */
  readonly name?: string;
  /** Give up on a request after this long, ms (default 15 000). */
  readonly timeoutMs?: number;
  /** Retries of a failed request (default 0: the AI SDK waits seconds between tries, and a caller cannot). */
  readonly maxRetries?: number;
  /** The provider's options for a request (the language, say). */
  readonly providerOptions?: ProviderOptions;
}

const MAX_MESSAGE = 200;

/**
 * Speech-to-text on any AI SDK transcription model, a turn at a time: the audio a
 * subscription is given (a caller's turn, from `detectTurns`) is sent as one WAV file when
 * it ends, and the answer comes back as one `final` transcript with the engine's timings.
 * Unsubscribing aborts the request; failures are `SttError`s.
 */
export function createAiSdkStt(options: AiSdkSttOptions): SpeechToText {
  const timeoutMs = options.timeoutMs ?? 15_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new SttError(
      'INVALID_OPTION',
      `timeoutMs must be a whole number of ms ≥ 1, got ${timeoutMs}`,
    );
  return {
    specificationVersion: 1,
    name: options.name ?? 'ai-sdk',
    sampleRates: [8000, 16000, 24000, 48000],
    streaming: false,
    transcribe: (audio, request = {}) =>
      new Observable<Transcript>((subscriber) => {
        const turn = new TurnTranscription(options, timeoutMs, request, subscriber);
        const subscription = audio.subscribe({
          next: (frame) => turn.frame(frame),
          error: (error: unknown) => subscriber.error(error),
          complete: () => turn.audioEnded(),
        });
        return () => {
          subscription.unsubscribe();
          turn.close();
        };
      }),
  };
}

/**
 * Where one turn's transcription is: `collecting` its audio (at one rate), then
 * `requesting` the model, with the timer that gives up on it.
 */
type TurnPhase =
  | { readonly phase: 'collecting'; readonly pieces: Int16Array[]; readonly rate?: number }
  | { readonly phase: 'requesting'; readonly timer: ReturnType<typeof setTimeout> };

/**
 * One subscription of `transcribe`: collects the turn's audio, sends it as one WAV file
 * when it ends, and hands the answer on as one `final` transcript. A class: the phase and
 * the request's abort are its state, and a frame, the audio's end and unsubscribing are
 * its three events.
 */
class TurnTranscription {
  private state: TurnPhase = { phase: 'collecting', pieces: [] };
  private readonly abort = new AbortController();

  constructor(
    private readonly options: AiSdkSttOptions,
    private readonly timeoutMs: number,
    private readonly request: TranscribeOptions,
    private readonly subscriber: Subscriber<Transcript>,
  ) {}

  frame(frame: AudioFrame): void {
    const state = this.state;
    if (state.phase !== 'collecting') return;
    if (state.rate !== undefined && frame.sampleRate !== state.rate) {
      this.subscriber.error(
        new SttError(
          'INVALID_OPTION',
          `audio changed rate from ${state.rate} to ${frame.sampleRate} Hz`,
        ),
      );
      return;
    }
    state.pieces.push(frame.samples);
    this.state = { ...state, rate: frame.sampleRate };
  }

  /** The turn's audio ended: it goes to the model as one WAV file (nothing, if it was empty). */
  audioEnded(): void {
    const state = this.state;
    if (state.phase !== 'collecting') return;
    const samples = concatPcm(state.pieces);
    if (samples.length === 0 || state.rate === undefined) {
      this.subscriber.complete();
      return;
    }
    this.send(encodeWav({ sampleRate: state.rate, channels: 1, samples }));
  }

  /** Unsubscribed: the request is aborted, its timer cleared. */
  close(): void {
    if (this.state.phase === 'requesting') clearTimeout(this.state.timer);
    this.abort.abort();
  }

  private send(wav: Uint8Array): void {
    const { options, subscriber, abort, timeoutMs } = this;
    // Not `AbortSignal.timeout()`: on Node 20 a timeout signal held only by
    // `AbortSignal.any()` can be garbage-collected before it fires, and the request
    // then never times out. This timer and its controller live until the request ends.
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException('timed out', 'TimeoutError')),
      timeoutMs,
    );
    this.state = { phase: 'requesting', timer };
    transcribe({
      model: options.model,
      audio: wav,
      abortSignal: AbortSignal.any([abort.signal, timeout.signal]),
      maxRetries: options.maxRetries ?? 0,
      ...(options.providerOptions && { providerOptions: options.providerOptions(this.request) }),
    })
      .finally(() => clearTimeout(timer))
      .then(
        (result) => {
          subscriber.next(finalTranscript(result));
          subscriber.complete();
        },
        (error: unknown) => {
          if (abort.signal.aborted) return;
          // The service heard nothing (silence, noise): an empty final transcript.
          if (NoTranscriptGeneratedError.isInstance(error)) {
            subscriber.next({ type: 'final', text: '' });
            subscriber.complete();
            return;
          }
          subscriber.error(sttError(error, timeoutMs));
        },
      );
  }
}

/** The model's answer as one `final` transcript, with its language and segment timings. */
export function finalTranscript(
  result: Pick<TranscriptionResult, 'text' | 'language' | 'segments'>,
): Transcript {
  return {
    type: 'final',
    text: result.text.trim(),
    ...(result.language && { language: result.language }),
    ...(result.segments.length > 0 && {
      timings: result.segments.map((s) => ({
        text: s.text.trim(),
        startMs: Math.round(s.startSecond * 1000),
        endMs: Math.round(s.endSecond * 1000),
      })),
    }),
  };
}

/** Whatever the AI SDK threw, as an `SttError` (a service's text cut short). */
function sttError(thrown: unknown, timeoutMs: number): SttError {
  const error = RetryError.isInstance(thrown) ? thrown.lastError : thrown;
  const cut = (text: string) =>
    text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
  const cause = { cause: error };
  if (
    error instanceof DOMException &&
    (error.name === 'TimeoutError' || error.name === 'AbortError')
  )
    return new SttError('TIMEOUT', `no transcription within ${timeoutMs} ms`, cause);
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === undefined)
      return new SttError('NETWORK_ERROR', `the request failed: ${cut(error.message)}`, cause);
    // A 2xx the provider could not read (not JSON, not a transcription).
    if (status < 300)
      return new SttError(
        'INVALID_RESPONSE',
        `the answer is not a transcription: ${cut(error.message)}`,
        cause,
      );
    return new SttError('HTTP_ERROR', `the service answered ${status}: ${cut(error.message)}`, {
      status,
      ...cause,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SttError('NETWORK_ERROR', `the request failed: ${cut(message)}`, cause);
}
