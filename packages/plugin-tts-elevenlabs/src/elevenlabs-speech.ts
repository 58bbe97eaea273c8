import { type SpeechPiece, sentences, TtsError, textPieces } from '@psrkit/pipeline';
import { createPcm16Reader, cutShort, decodeBase64 } from '@psrkit/protocol';
import type { Observable, Subscriber, Subscription } from 'rxjs';
import WebSocket from 'ws';
import { AlignmentWords } from './alignment-words.js';
import { parseServerMessage, type ServerMessage } from './elevenlabs-message.js';

/** How one speech reaches ElevenLabs. */
export interface SpeechSettings {
  /** The stream-input URL, voice and query included. */
  readonly url: string;
  readonly apiKey: string;
  /** The first message: a space, with the voice settings and generation config. */
  readonly init: Readonly<Record<string, unknown>>;
  readonly sampleRate: number;
  readonly timeoutMs: number;
}

/**
 * Where a speech is: connecting (its sentences queued), speaking (sentences sent as they
 * come), ending (the end of the text sent, the rest of the audio awaited) or over.
 */
type Phase =
  | { readonly phase: 'connecting'; readonly queue: string[]; textEnded: boolean }
  | { readonly phase: 'speaking'; sent: boolean }
  | { readonly phase: 'ending' }
  | { readonly phase: 'over' };

type Refusal = Extract<ServerMessage, { kind: 'refusal' }>;

/** A refusal ElevenLabs sent in place of audio, as a typed error. */
function refusalError(refusal: Refusal): TtsError {
  const text = `ElevenLabs refused: ${cutShort(refusal.error)}${refusal.message ? `: ${cutShort(refusal.message)}` : ''}`;
  if (/voice/i.test(refusal.error)) return new TtsError('UNKNOWN_VOICE', text);
  return new TtsError(
    'HTTP_ERROR',
    text,
    refusal.code === undefined ? {} : { status: refusal.code },
  );
}

/**
 * One `speak` on its own stream-input socket: the text cut at sentence ends, each sentence
 * sent as it comes with `flush` (audio starts at the first sentence's end), `{ text: '' }`
 * once the text ends; audio and word timings passed on as they arrive; over at `isFinal`.
 * `stop()` (unsubscribing) closes the socket, which is how ElevenLabs is told to stop.
 */
export class ElevenLabsSpeech {
  readonly #settings: SpeechSettings;
  readonly #subscriber: Subscriber<SpeechPiece>;
  #phase: Phase = { phase: 'connecting', queue: [], textEnded: false };
  #socket: WebSocket | undefined;
  #text: Subscription | undefined;
  #timer: NodeJS.Timeout | undefined;
  #heard = false; // a message has come since the socket opened
  #samples = 0;
  readonly #pcm = createPcm16Reader(); // a sample may be split across two chunks
  readonly #words = new AlignmentWords();

  constructor(settings: SpeechSettings, subscriber: Subscriber<SpeechPiece>) {
    this.#settings = settings;
    this.#subscriber = subscriber;
  }

  /** Takes the text; connects unless the text was over, and empty, at once. */
  start(text: string | Observable<string>): void {
    this.#text = textPieces(text)
      .pipe(sentences())
      .subscribe({
        next: (sentence) => this.#say(`${sentence} `),
        error: (error: unknown) => this.#fail(error),
        complete: () => this.#endText(),
      });
    if (this.#phase.phase === 'connecting') this.#connect();
  }

  /** Stops everything: the text, the timer, the socket (closed: ElevenLabs stops). */
  stop(): void {
    if (!this.#over()) this.#end('close');
  }

  /** Over: the text and the timer stopped, the socket closed (or dropped, on a failure). */
  #end(socketEnd: 'close' | 'terminate') {
    this.#phase = { phase: 'over' };
    clearTimeout(this.#timer);
    this.#text?.unsubscribe();
    const socket = this.#socket;
    if (socketEnd === 'close' && socket?.readyState === WebSocket.OPEN) socket.close(1000);
    else if (socket && socket.readyState !== WebSocket.CLOSED) socket.terminate();
  }

  #connect() {
    const socket = new WebSocket(this.#settings.url, {
      headers: { 'xi-api-key': this.#settings.apiKey },
    });
    this.#socket = socket;
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      this.#fail(
        new TtsError('HTTP_ERROR', `ElevenLabs refused the connection: ${status}`, { status }),
      );
    });
    socket.on('open', () => this.#opened());
    socket.on('message', (data, isBinary) => this.#received(data, isBinary));
    socket.on('close', (code, reason) => this.#closed(code, reason.toString()));
    socket.on('error', (error) => {
      const message = `the connection to ElevenLabs failed: ${cutShort(error.message)}`;
      this.#fail(new TtsError('NETWORK_ERROR', message, { cause: error }));
    });
    this.#watch();
  }

  #opened() {
    if (this.#phase.phase !== 'connecting') return;
    const { queue, textEnded } = this.#phase;
    this.#send(this.#settings.init);
    this.#phase = { phase: 'speaking', sent: false };
    for (const piece of queue) this.#say(piece);
    if (textEnded) this.#endText();
    this.#watch();
  }

  #say(piece: string) {
    if (this.#phase.phase === 'connecting') this.#phase.queue.push(piece);
    if (this.#phase.phase !== 'speaking') return;
    this.#send({ text: piece, flush: true });
    this.#phase.sent = true;
    this.#watch();
  }

  #endText() {
    const phase = this.#phase;
    if (phase.phase === 'connecting') {
      phase.textEnded = true;
      if (phase.queue.length === 0) this.#complete();
    } else if (phase.phase === 'speaking') {
      if (!phase.sent) return this.#complete();
      this.#send({ text: '' });
      this.#phase = { phase: 'ending' };
      this.#watch();
    }
  }

  #received(data: WebSocket.RawData, isBinary: boolean) {
    if (this.#over()) return;
    this.#heard = true;
    try {
      if (isBinary)
        throw new TtsError('INVALID_RESPONSE', 'ElevenLabs sent a binary frame, not JSON');
      const message = parseServerMessage(data.toString());
      if (message.kind === 'refusal') return this.#fail(refusalError(message));
      this.#chunk(message);
    } catch (error) {
      this.#fail(error);
    }
  }

  /** One audio chunk: its samples, then the words its characters complete. */
  #chunk(message: Extract<ServerMessage, { kind: 'audio' }>) {
    const offsetMs = this.#ms(this.#samples);
    if (message.audio) {
      const samples = this.#decode(message.audio);
      this.#samples += samples.length;
      if (samples.length > 0) this.#subscriber.next({ type: 'audio', samples });
      if (this.#over()) return;
    }
    const words = message.alignment
      ? this.#words.push(message.alignment, offsetMs, this.#ms(this.#samples))
      : [];
    if (message.isFinal) {
      if (this.#phase.phase !== 'ending')
        throw new TtsError('INVALID_RESPONSE', 'ElevenLabs ended the speech before its text');
      words.push(...this.#words.finish());
    }
    if (words.length > 0) this.#subscriber.next({ type: 'words', words, estimated: false });
    if (message.isFinal) this.#complete();
    else this.#watch();
  }

  #decode(audio: string): Int16Array {
    try {
      return this.#pcm.push(decodeBase64(audio, '$.audio'));
    } catch (error) {
      throw new TtsError('INVALID_RESPONSE', `ElevenLabs sent audio that is not base64 PCM`, {
        cause: error,
      });
    }
  }

  #closed(code: number, reason: string) {
    if (this.#over()) return;
    const why = `${code}${reason ? `: ${cutShort(reason)}` : ''}`;
    // 1008 (policy violation) is how ElevenLabs closes on a refusal: a key, a quota, a voice.
    this.#fail(
      code === 1008
        ? new TtsError('HTTP_ERROR', `ElevenLabs closed the connection (${why})`, { status: code })
        : new TtsError(
            'NETWORK_ERROR',
            `the connection to ElevenLabs closed (${why}) before the speech ended`,
          ),
    );
  }

  /** The timer for what is awaited from ElevenLabs now, if anything. */
  #watch() {
    clearTimeout(this.#timer);
    const awaited = this.#awaited();
    if (awaited === undefined) return;
    const { timeoutMs } = this.#settings;
    this.#timer = setTimeout(
      () =>
        this.#fail(new TtsError('TIMEOUT', `no ${awaited} from ElevenLabs within ${timeoutMs} ms`)),
      timeoutMs,
    );
  }

  /** While the model writes, nothing is awaited: a slow model is not a slow engine. */
  #awaited(): string | undefined {
    switch (this.#phase.phase) {
      case 'connecting':
        return this.#socket ? 'connection' : undefined;
      case 'speaking':
        return this.#phase.sent && !this.#heard ? 'audio' : undefined;
      case 'ending':
        return this.#heard ? 'more of the speech' : 'audio';
      case 'over':
        return undefined;
    }
  }

  #send(message: Readonly<Record<string, unknown>>) {
    this.#socket?.send(JSON.stringify(message));
  }

  #ms(samples: number) {
    return (samples * 1000) / this.#settings.sampleRate;
  }

  #over() {
    return this.#phase.phase === 'over';
  }

  #complete() {
    this.#end('close');
    this.#subscriber.complete();
  }

  #fail(error: unknown) {
    if (this.#over()) return;
    this.#end('terminate');
    this.#subscriber.error(error);
  }
}
