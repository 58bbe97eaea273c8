import { resample, type TextToSpeech } from '@psrkit/pipeline';
import { createEspeakTts } from '@psrkit/plugin-tts-espeak';
import { detectTurns, loadWebRtcVad, type OpenVad, type TurnEvent } from '@psrkit/plugin-vad';
import { checkExtension, concatPcm } from '@psrkit/protocol';
import type { Bot, Call } from '@psrkit/transport';
import {
  concat,
  filter,
  firstValueFrom,
  from,
  lastValueFrom,
  type Observable,
  of,
  takeUntil,
  toArray,
} from 'rxjs';

export interface DemoBotOptions {
  /** Silence that ends a caller turn, ms (default 700). */
  readonly turnEndMs?: number;
  /** Turns before the bot transfers the call (default 3). */
  readonly turnsBeforeTransfer?: number;
  /** Where to transfer (default `101`; a call's `transfer_to` parameter wins). */
  readonly transferTo?: string;
  /** Caller silence before the bot says goodbye and hangs up, ms (default 10 000). */
  readonly silenceHangupMs?: number;
  /** Text-to-speech engine (default: eSpeak NG). */
  readonly tts?: () => Promise<TextToSpeech>;
  /**
   * Voice activity detector (default `silero`: on phone audio with line noise it misses
   * far fewer turns and starts far fewer false ones; `webrtc` reacts ~70 ms sooner and
   * costs ~35× less CPU — see `@psrkit/plugin-vad-silero`'s benchmark).
   */
  readonly vad?: DemoVad;
}

export type DemoVad = 'silero' | 'webrtc';
const VADS: readonly DemoVad[] = ['silero', 'webrtc'];

/** The engine behind `detectTurns`; Silero's runtime is loaded only when chosen. */
function loadVad(vad: DemoVad): Promise<OpenVad> {
  return vad === 'webrtc'
    ? loadWebRtcVad()
    : import('@psrkit/plugin-vad-silero').then(({ loadSileroVad }) => loadSileroVad());
}

/** What the bot says, in English and Vietnamese (`lang=vi` on the call). */
const SCRIPT = {
  en: {
    voice: 'en-us',
    greeting: (name?: string) =>
      `Hello${name ? ` ${name}` : ''}! This is the psr kit demo. Say something, and I will say it back to you.`,
    youSaid: 'You said:',
    transfer: (extension: string) =>
      `Thank you. I am transferring you to extension ${extension.split('').join(' ')}.`,
    goodbye: 'I did not hear anything for a while. Goodbye!',
  },
  vi: {
    voice: 'vi',
    greeting: (name?: string) =>
      `Xin chào${name ? ` ${name}` : ''}! Đây là bản thử psr kit. Hãy nói gì đó, tôi sẽ nhắc lại.`,
    youSaid: 'Bạn vừa nói:',
    transfer: (extension: string) =>
      `Cảm ơn. Tôi sẽ chuyển máy tới số ${extension.split('').join(' ')}.`,
    goodbye: 'Tôi không nghe thấy gì. Tạm biệt!',
  },
} as const;

/** Reads the options from the environment (`DEMO_TURN_END_MS`, `DEMO_TURNS`, `DEMO_TRANSFER_TO`, `DEMO_SILENCE_MS`, `DEMO_VAD`). */
export function demoBotOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DemoBotOptions {
  const number = (name: string) => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new RangeError(`${name} must be a number ≥ 0, got ${JSON.stringify(value)}`);
    return n;
  };
  const turnEndMs = number('DEMO_TURN_END_MS');
  const turns = number('DEMO_TURNS');
  const silence = number('DEMO_SILENCE_MS');
  const vad = env['DEMO_VAD'] || undefined;
  if (vad !== undefined && !VADS.includes(vad as DemoVad))
    throw new RangeError(`DEMO_VAD must be ${VADS.join(' or ')}, got ${JSON.stringify(vad)}`);
  return {
    ...(vad !== undefined && { vad: vad as DemoVad }),
    ...(turnEndMs !== undefined && { turnEndMs }),
    ...(turns !== undefined && { turnsBeforeTransfer: turns }),
    ...(silence !== undefined && { silenceHangupMs: silence }),
    ...(env['DEMO_TRANSFER_TO'] && { transferTo: env['DEMO_TRANSFER_TO'] }),
  };
}

const PCM_RATE = 8000;

/**
 * The demo bot. Per call: a spoken greeting as a `media` WAV; each caller turn (Silero or WebRTC
 * VAD, ended by `turnEndMs` of silence) echoed back as MP3 `chunk`s after a spoken
 * "You said"; barge-in: the caller speaking over the bot cuts it off at once; after
 * `turnsBeforeTransfer` turns, a `transfer`; after `silenceHangupMs` of silence, a goodbye
 * and `hangup`.
 */
export function createDemoBot(
  options: DemoBotOptions = {},
): Bot & { prepare(): Promise<void>; tts(): TextToSpeech | undefined } {
  const turnEndMs = options.turnEndMs ?? 700;
  const turnsBeforeTransfer = options.turnsBeforeTransfer ?? 3;
  const silenceHangupMs = options.silenceHangupMs ?? 10_000;
  const defaultTransfer = checkExtension(options.transferTo ?? '101', 'transferTo');
  let engines: Promise<[TextToSpeech, OpenVad]> | undefined;
  let speech: TextToSpeech | undefined; // once prepared: what an operator's `say` speaks with
  const prepare = () => {
    engines ??= Promise.all([(options.tts ?? createEspeakTts)(), loadVad(options.vad ?? 'silero')]);
    void engines.then(
      ([tts]) => {
        speech = tts;
      },
      () => {},
    );
    return engines;
  };

  // Greetings by text (a campaign greets thousands of callers with a few names).
  const greetings = new BoundedCache<string, Int16Array>(64);
  const bot = async (call: Call, { logger }: Parameters<Bot>[1]) => {
    const [tts, openVad] = await prepare();
    const script = call.params['lang']?.toLowerCase().startsWith('vi') ? SCRIPT.vi : SCRIPT.en;
    const transferTo = checkExtension(call.params['transfer_to'] ?? defaultTransfer, 'transfer_to');
    /** Speech at 8 kHz, as it is synthesised. */
    const say = (text: string): Observable<Int16Array> =>
      tts
        .synthesize(text, { voice: script.voice })
        .pipe(resample({ inputRate: tts.sampleRate, outputRate: PCM_RATE }));

    // 1. Greeting: one WAV file (`media`), once PSR says the call is up — not for a caller
    // who hung up already — synthesised once per text, with a bounded name.
    // (`channel` is known once PSR's `connected` came, maybe while the engines loaded.)
    const connected =
      call.channel !== undefined ||
      (await firstValueFrom(call.events$.pipe(filter((event) => event.type === 'call-connected')), {
        defaultValue: undefined,
      })) !== undefined;
    if (!connected) return; // the call ended first
    const text = script.greeting(addressAs(call.params['danh_xung']));
    let greeting = greetings.get(text);
    if (!greeting) {
      greeting = concatPcm(await lastValueFrom(say(text).pipe(toArray(), takeUntil(endOf(call)))));
      if (call.state !== 'open') return;
      greetings.set(text, greeting);
    }
    call.play({ sampleRate: PCM_RATE, channels: 1, samples: greeting }, { mode: 'queue' });

    let turns = 0;
    let callerSpeaking = false;
    let lastActivity = Date.now();
    let ending = false;

    const onTurn = (turn: TurnEvent) => {
      lastActivity = Date.now();
      if (turn.type === 'speech-start') {
        callerSpeaking = true;
        // 3. Barge-in: stop talking at once.
        if (call.speaking && !ending) {
          logger.info({ at_ms: Math.round(turn.atMs) }, 'caller barged in');
          call.interrupt();
        }
        return;
      }
      callerSpeaking = false;
      if (ending) return;
      turns++;
      logger.info(
        { turn: turns, audio_ms: Math.round((turn.audio.length * 1000) / turn.sampleRate) },
        'echoing a turn',
      );
      // 2. Echo: "You said" and the caller's own words, streamed as MP3 chunks; 4. after enough
      // turns, the transfer notice in the same stream (one stream plays without a seam).
      const last = turns >= turnsBeforeTransfer;
      const echo = call.stream(
        concat(say(script.youSaid), of(turn.audio), last ? say(script.transfer(transferTo)) : of()),
        { sampleRate: PCM_RATE, mode: 'interrupt' },
      );
      if (last) {
        ending = true;
        void echo.done.then(() => call.transfer(transferTo));
      }
    };
    const turnsSubscription = call
      .audio()
      .pipe(detectTurns({ openVad, endSilenceMs: turnEndMs, trace: call.trace }))
      .subscribe({
        next: onTurn,
        error: (error: unknown) => logger.error({ err: error }, 'turn detection failed'),
      });

    // 5. Hang up after a long silence (the bot's own talking is not silence).
    const silenceTimer = setInterval(() => {
      if (callerSpeaking || call.speaking) lastActivity = Date.now();
      else if (!ending && Date.now() - lastActivity >= silenceHangupMs) {
        ending = true;
        void call
          .stream(say(script.goodbye), { sampleRate: PCM_RATE })
          .done.then(() => call.hangup());
      }
    }, 250);

    await call.closed;
    clearInterval(silenceTimer);
    turnsSubscription.unsubscribe();
  };
  return Object.assign(bot, { prepare: async () => void (await prepare()), tts: () => speech });
}

/** The longest name the greeting says (`danh_xung` is the caller's data: bound it). */
export const MAX_NAME_CHARS = 40;

/** How to address the caller: letters, marks, spaces and a few signs, at most 40 characters. */
export function addressAs(name: string | undefined): string | undefined {
  const clean = name
    ?.replace(/[^\p{L}\p{M}\s.'-]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_NAME_CHARS)
    .trim();
  return clean ? clean : undefined;
}

/** Emits once the call has ended. */
const endOf = (call: Call) => from(call.closed);

/** A map that forgets its oldest entry beyond `size` entries. */
class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly size: number) {}
  get(key: K): V | undefined {
    return this.entries.get(key);
  }
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as K);
  }
}
