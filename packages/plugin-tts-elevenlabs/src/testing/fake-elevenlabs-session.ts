import { performance } from 'node:perf_hooks';
import { setTimeout as sleep, setImmediate as tick } from 'node:timers/promises';
import { type FakeChar, fakeSpeech } from '@psrkit/pipeline/testing';
import { concatPcm, encodeBase64, pcm16ToBytes } from '@psrkit/protocol';
import { type WebSocket, WebSocket as WebSocketClass } from 'ws';
import type { FakeElevenLabsBehaviour, FakeElevenLabsSession } from './fake-elevenlabs.js';

/** How the stand-in serves the sockets opened while it is in force. */
export interface SessionConfig {
  readonly behaviour: FakeElevenLabsBehaviour;
  readonly apiKey: string;
  readonly voices: readonly string[];
  readonly msPerChar: number;
  readonly chunkChars: number;
  readonly delayMs: number;
}

/** A session as the stand-in keeps it (its first audio's time is set as it speaks). */
export interface FakeSession extends FakeElevenLabsSession {
  firstAudioAt: number | undefined;
}

type Request = Pick<FakeElevenLabsSession, 'voice' | 'query' | 'apiKey'>;

/** Refuses as ElevenLabs does: a message naming the error, then a close with 1008. */
function refuse(ws: WebSocket, error: string, message: string) {
  if (ws.readyState !== WebSocketClass.OPEN) return;
  ws.send(JSON.stringify({ message, error, code: 1008 }));
  ws.close(1008, message.slice(0, 120));
}

/** What is wrong with a socket's request before any text: the key, the voice, the format. */
function requestProblem(config: SessionConfig, request: Request): [string, string] | undefined {
  if (request.apiKey !== config.apiKey) return ['invalid_api_key', 'Invalid API key'];
  if (!config.voices.includes(request.voice))
    return ['voice_not_found', `A voice with voice_id ${request.voice} was not found`];
  if (!/^pcm_\d+$/.test(request.query['output_format'] ?? ''))
    return ['invalid_output_format', 'This stand-in speaks raw PCM only (pcm_<rate>)'];
  return undefined;
}

/** An audio message for some characters: their PCM, their times from the chunk's start. */
function chunkMessage(chars: readonly FakeChar[], msPerChar: number) {
  const alignment = {
    chars: chars.map(({ char }) => char),
    charStartTimesMs: chars.map((_, i) => i * msPerChar),
    charDurationsMs: chars.map(() => msPerChar),
  };
  return {
    audio: encodeBase64(pcm16ToBytes(concatPcm(chars.map(({ samples }) => samples)))),
    isFinal: null,
    normalizedAlignment: alignment,
    alignment,
  };
}

/** The message of chunk `index` as a misbehaving service sends it. */
function spoil(
  behaviour: FakeElevenLabsBehaviour,
  index: number,
  message: ReturnType<typeof chunkMessage>,
) {
  const { alignment } = message;
  if (behaviour === 'malformed' && index === 0) return { ...message, audio: 42 };
  if (behaviour === 'overrun' && index === 0) {
    const late = {
      ...alignment,
      charStartTimesMs: alignment.charStartTimesMs.map((t) => t * 1000),
    };
    return { ...message, alignment: late, normalizedAlignment: late };
  }
  if (behaviour === 'disorder' && index === 1) {
    const back = { ...alignment, charStartTimesMs: [...alignment.charStartTimesMs].reverse() };
    return { ...message, alignment: back, normalizedAlignment: back };
  }
  return message;
}

/**
 * One socket's text-to-speech: text buffered until a flush (or the end), then spoken in
 * chunks one event-loop turn apart, so a client can stop it midway; generations in order.
 */
class FakeSpeaker {
  readonly #ws: WebSocket;
  readonly #config: SessionConfig;
  readonly #session: FakeSession;
  readonly #sampleRate: number;
  #buffer = '';
  #started = false;
  #chunks = 0;
  #generations: Promise<void> = Promise.resolve();

  constructor(ws: WebSocket, config: SessionConfig, session: FakeSession) {
    this.#ws = ws;
    this.#config = config;
    this.#session = session;
    this.#sampleRate = Number(session.query['output_format']!.slice(4));
  }

  take(text: string) {
    let message: { text?: unknown; flush?: unknown; try_trigger_generation?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return refuse(this.#ws, 'invalid_input_message', 'Could not parse input message');
    }
    (this.#session.received as unknown[]).push(message);
    if (typeof message.text !== 'string' || (!this.#started && message.text !== ' '))
      return refuse(this.#ws, 'invalid_input_message', 'The first message must be a space');
    if (!this.#started) {
      this.#started = true;
      return;
    }
    this.#buffer += message.text;
    if (message.text === '') this.#generate(true);
    else if (message.flush === true || message.try_trigger_generation === true)
      this.#generate(false);
  }

  #generate(final: boolean) {
    const text = this.#buffer;
    this.#buffer = '';
    this.#generations = this.#generations.then(async () => {
      await this.#speak(text);
      if (final && this.#ws.readyState === WebSocketClass.OPEN) {
        this.#ws.send(JSON.stringify({ isFinal: true }));
        this.#ws.close(1000);
      }
    });
  }

  async #speak(text: string) {
    const { behaviour, msPerChar, chunkChars, delayMs } = this.#config;
    if (behaviour === 'mute') return new Promise<void>(() => {});
    if (behaviour === 'quota')
      return refuse(this.#ws, 'quota_exceeded', 'This request exceeds your quota of 10000.');
    if (this.#session.firstAudioAt === undefined && delayMs > 0) await sleep(delayMs);
    const chars = fakeSpeech(text.trim() === '' ? '' : text, this.#sampleRate, msPerChar);
    for (let i = 0; i < chars.length; i += chunkChars) {
      if (this.#ws.readyState !== WebSocketClass.OPEN) return;
      const index = this.#chunks++;
      const message = chunkMessage(chars.slice(i, i + chunkChars), msPerChar);
      this.#session.firstAudioAt ??= performance.now();
      this.#ws.send(JSON.stringify(spoil(behaviour, index, message)));
      if (behaviour === 'drop') return void this.#ws.terminate();
      if (behaviour === 'garbage') return this.#ws.send('<html>502 Bad Gateway</html>');
      await tick();
    }
  }
}

/** Serves one stream-input socket; returns what it sees. */
export function serveSession(ws: WebSocket, config: SessionConfig, request: Request): FakeSession {
  const session: FakeSession = {
    ...request,
    received: [],
    firstAudioAt: undefined,
    closed: new Promise((resolve) => ws.on('close', (code) => resolve(code))),
  };
  ws.on('error', () => {}); // a client that drops is what some tests do
  const problem = requestProblem(config, request);
  if (problem) {
    refuse(ws, ...problem);
    return session;
  }
  const speaker = new FakeSpeaker(ws, config, session);
  ws.on('message', (data) => speaker.take(data.toString()));
  return session;
}
