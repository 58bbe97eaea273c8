import { type AudioFrame, SttError, type Transcript } from '@psrkit/pipeline';
import { pcm16ToBytes } from '@psrkit/protocol';
import type { Subscriber } from 'rxjs';
import WebSocket from 'ws';
import { cut, readDeepgramMessage } from './deepgram-message.js';

/** A Deepgram client's settings, checked, with the language of this transcription. */
export interface DeepgramSettings {
  /** `wss://…`, no trailing slash. */
  readonly base: string;
  readonly apiKey: string;
  readonly model: string;
  readonly language: string;
  readonly endpointingMs: number;
  readonly timeoutMs: number;
}

/**
 * Where one transcription is. `no-audio`: no frame yet, so no socket. `streaming`: a
 * socket at the first frame's rate, with the audio that came before it opened.
 * `ending`: the audio ended and Deepgram was asked for its last results (`CloseStream`).
 */
export type DeepgramPhase =
  | { readonly phase: 'no-audio' }
  | {
      readonly phase: 'streaming' | 'ending';
      readonly socket: WebSocket;
      readonly rate: number;
      /** Audio before the socket opened. */
      readonly pending: Uint8Array[];
    };

/** The phases with a socket. */
type Streaming = Exclude<DeepgramPhase, { readonly phase: 'no-audio' }>;

/**
 * One transcription on Deepgram's live API, from the caller's audio to `subscriber`. A
 * class: the socket's phase and the timer are its state, and each event (a frame, the
 * audio's end, each of the socket's events) is one method over them.
 */
export class DeepgramSession {
  private state: DeepgramPhase = { phase: 'no-audio' };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: DeepgramSettings,
    private readonly subscriber: Subscriber<Transcript>,
  ) {}

  /** A frame of the caller's audio: the first opens the socket at its rate. */
  frame(frame: AudioFrame): void {
    const state = this.state.phase === 'no-audio' ? this.connect(frame.sampleRate) : this.state;
    if (frame.sampleRate !== state.rate) {
      this.fail(
        new SttError(
          'INVALID_OPTION',
          `audio changed rate from ${state.rate} to ${frame.sampleRate} Hz`,
        ),
      );
      return;
    }
    const bytes = pcm16ToBytes(frame.samples);
    if (state.socket.readyState === WebSocket.OPEN) state.socket.send(bytes);
    else state.pending.push(bytes);
  }

  /** The audio ended: Deepgram is asked for its last results (or, without audio, it is over). */
  audioEnded(): void {
    const state = this.state;
    if (state.phase === 'no-audio') {
      this.subscriber.complete(); // no audio at all
      return;
    }
    this.state = { ...state, phase: 'ending' };
    if (state.socket.readyState === WebSocket.OPEN) state.socket.send(closeStream());
    this.wait('last results from Deepgram');
  }

  /** The audio failed: so does the transcription. */
  audioFailed(error: unknown): void {
    clearTimeout(this.timer);
    this.subscriber.error(error);
    this.socket()?.terminate();
  }

  /** The subscriber left (or the transcription ended): the socket goes, the timer too. */
  close(): void {
    clearTimeout(this.timer);
    const socket = this.socket();
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.terminate();
  }

  /** Opens the socket at the first frame's rate. */
  private connect(sampleRate: number): Streaming {
    const { base, apiKey, timeoutMs } = this.settings;
    const socket = new WebSocket(`${base}/v1/listen?${this.query(sampleRate)}`, {
      headers: { Authorization: `Token ${apiKey}` },
      handshakeTimeout: timeoutMs,
    });
    const streaming: Streaming = { phase: 'streaming', socket, rate: sampleRate, pending: [] };
    this.state = streaming;
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      this.fail(
        new SttError('HTTP_ERROR', `Deepgram refused the connection: ${status}`, { status }),
      );
    });
    socket.on('open', () => this.onOpen());
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(data.toString());
    });
    socket.on('close', (code, reason) => this.onClose(code, reason.toString()));
    socket.on('error', (error) => {
      if (this.subscriber.closed) return;
      const message = `the connection to Deepgram failed: ${cut(error.message)}`;
      this.fail(new SttError('NETWORK_ERROR', message, { cause: error }));
    });
    return streaming;
  }

  private query(sampleRate: number): URLSearchParams {
    const { model, language, endpointingMs } = this.settings;
    return new URLSearchParams({
      encoding: 'linear16',
      sample_rate: String(sampleRate),
      channels: '1',
      model,
      language,
      interim_results: 'true',
      punctuate: 'true',
      endpointing: String(endpointingMs),
    });
  }

  private onOpen(): void {
    if (this.state.phase === 'no-audio') return;
    const { socket, pending, phase } = this.state;
    for (const bytes of pending.splice(0)) socket.send(bytes);
    if (phase === 'ending') socket.send(closeStream());
  }

  private onMessage(text: string): void {
    const reading = readDeepgramMessage(text, this.settings.language);
    if (reading.kind === 'error') this.fail(reading.error);
    else if (reading.kind === 'transcript') this.subscriber.next(reading.transcript);
  }

  private onClose(code: number, reason: string): void {
    clearTimeout(this.timer);
    if (this.subscriber.closed) return;
    const ended = this.state.phase === 'ending';
    // Deepgram closes normally (1000) once it has sent the last results.
    if (ended && code === 1000) {
      this.subscriber.complete();
      return;
    }
    const why = `${code}${reason.length ? `: ${cut(reason)}` : ''}`;
    this.subscriber.error(
      new SttError(
        'NETWORK_ERROR',
        ended
          ? `the connection to Deepgram broke (${why}) before the last results`
          : `Deepgram closed the connection (${why}) before the audio ended`,
      ),
    );
  }

  /** Fails the transcription (`TIMEOUT`) unless `what` comes within the timeout. */
  private wait(what: string): void {
    const { timeoutMs } = this.settings;
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => this.fail(new SttError('TIMEOUT', `no ${what} within ${timeoutMs} ms`)),
      timeoutMs,
    );
  }

  private fail(error: SttError): void {
    clearTimeout(this.timer);
    this.subscriber.error(error);
    this.socket()?.terminate();
  }

  private socket(): WebSocket | undefined {
    return this.state.phase === 'no-audio' ? undefined : this.state.socket;
  }
}

const closeStream = (): string => JSON.stringify({ type: 'CloseStream' });
