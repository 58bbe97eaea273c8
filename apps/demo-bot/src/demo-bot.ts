import { resample, type TextToSpeech } from '@psrkit/pipeline';
import {
  type AnswerDetector,
  type AnswerDetectorOptions,
  answerOnCall,
  createAnswerDetector,
} from '@psrkit/plugin-answer-detect';
import { createEspeakTts } from '@psrkit/plugin-tts-espeak';
import {
  detectTurns,
  loadWebRtcVad,
  type OpenVad,
  type SuspicionEvent,
  type TurnEvent,
} from '@psrkit/plugin-vad';
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
import type { DemoBotOptions, DemoVad } from './demo-bot-options.js';

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
    voicemail: 'Hello, this is the psr kit demo. Please call us back when you can. Goodbye!',
  },
  vi: {
    voice: 'vi',
    greeting: (name?: string) =>
      `Xin chào${name ? ` ${name}` : ''}! Đây là bản thử psr kit. Hãy nói gì đó, tôi sẽ nhắc lại.`,
    youSaid: 'Bạn vừa nói:',
    transfer: (extension: string) =>
      `Cảm ơn. Tôi sẽ chuyển máy tới số ${extension.split('').join(' ')}.`,
    goodbye: 'Tôi không nghe thấy gì. Tạm biệt!',
    voicemail: 'Xin chào, đây là bản thử psr kit. Vui lòng gọi lại cho chúng tôi. Tạm biệt!',
  },
} as const;
type Script = (typeof SCRIPT)[keyof typeof SCRIPT];

const PCM_RATE = 8000;

/** Speech at 8 kHz, as it is synthesised. */
const speak = (tts: TextToSpeech, script: Script, text: string): Observable<Int16Array> =>
  tts
    .synthesize(text, { voice: script.voice })
    .pipe(resample({ inputRate: tts.sampleRate, outputRate: PCM_RATE }));

/** The answer detector the options ask for (one for every call), or the default one. */
function detectorOf(given: AnswerDetector | AnswerDetectorOptions = {}): AnswerDetector {
  return typeof (given as AnswerDetector).detect === 'function'
    ? (given as AnswerDetector)
    : createAnswerDetector(given as AnswerDetectorOptions);
}

/**
 * The demo bot. Per call: a spoken greeting as a `media` WAV; each caller turn (Silero or WebRTC
 * VAD, ended by `turnEndMs` of silence) echoed back as MP3 `chunk`s after a spoken
 * "You said"; barge-in: the caller speaking over the bot cuts it off at once; after
 * `turnsBeforeTransfer` turns, a `transfer`; after `silenceHangupMs` of silence, a goodbye
 * and `hangup`. A call with `detect_answer=hold` is greeted once a person answered (a
 * voicemail gets a message after its beep; an announcement or dead air a hangup);
 * `detect_answer=speak` greets at once and stops when a machine answered.
 */
export function createDemoBot(
  options: DemoBotOptions = {},
): Bot & { prepare(): Promise<void>; tts(): TextToSpeech | undefined } {
  const defaultTransfer = checkExtension(options.transferTo ?? '101', 'transferTo');
  const detector = detectorOf(options.answer?.detector);
  const message = options.answer?.voicemailMessage;
  let engines: Promise<[TextToSpeech, OpenVad]> | undefined;
  let speech: TextToSpeech | undefined; // once prepared: what an operator's `say` speaks with
  const prepare = () => {
    engines ??= Promise.all([
      (options.tts ?? createEspeakTts)(),
      options.openVad ? Promise.resolve(options.openVad) : loadVad(options.vad ?? 'silero'),
    ]);
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
    const script = call.params['lang']?.toLowerCase().startsWith('vi') ? SCRIPT.vi : SCRIPT.en;
    // Listening from the first frame: who answered, before a word is said.
    const answer = answerOnCall(call, {
      detector,
      logger,
      ...(options.answer?.mode && { mode: options.answer.mode }),
      ...(options.answer?.maxHoldMs !== undefined && { maxHoldMs: options.answer.maxHoldMs }),
      ...(message !== false && {
        leaveMessage: async () => {
          const [tts] = await prepare();
          const said = speak(tts, script, message ?? script.voicemail);
          await call.stream(said, { sampleRate: PCM_RATE, mode: 'interrupt' }).done;
        },
      }),
    });
    const [tts, openVad] = await prepare();
    const transferTo = checkExtension(call.params['transfer_to'] ?? defaultTransfer, 'transfer_to');
    const say = (text: string) => speak(tts, script, text);

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
    // With `detect_answer=hold`, not before a person answered (ready by then).
    if (!(await answer.mayGreet) || call.state !== 'open') return;
    call.play({ sampleRate: PCM_RATE, channels: 1, samples: greeting }, { mode: 'queue' });
    await converse(call, logger, {
      say,
      script,
      openVad,
      transferTo,
      turnEndMs: options.turnEndMs ?? 700,
      turnsBeforeTransfer: options.turnsBeforeTransfer ?? 3,
      pauseOnSuspicion: options.pauseOnSuspicion ?? true,
      silenceHangupMs: options.silenceHangupMs ?? 10_000,
      takeover: answer.takeover,
    });
  };
  return Object.assign(bot, { prepare: async () => void (await prepare()), tts: () => speech });
}

/** What a conversation runs on. */
interface Conversation {
  readonly say: (text: string) => Observable<Int16Array>;
  readonly script: Script;
  readonly openVad: OpenVad;
  readonly transferTo: string;
  readonly turnEndMs: number;
  readonly turnsBeforeTransfer: number;
  readonly pauseOnSuspicion: boolean;
  readonly silenceHangupMs: number;
  /** Aborted when a machine answered: answer detection has the call, the bot says no more. */
  readonly takeover: AbortSignal;
}

/** Echoes turns, gives way, transfers, hangs up after silence; resolves when the call ends. */
async function converse(
  call: Call,
  logger: Parameters<Bot>[1]['logger'],
  c: Conversation,
): Promise<void> {
  let turns = 0;
  let callerSpeaking = false;
  let lastActivity = Date.now();
  let ending = c.takeover.aborted;
  c.takeover.addEventListener('abort', () => {
    ending = true;
  });

  const onTurn = (turn: TurnEvent | SuspicionEvent) => {
    lastActivity = Date.now();
    if (turn.type !== 'speech-end') {
      callerSpeaking = turn.type === 'speech-start' || callerSpeaking;
      if (!ending) giveWay(call, logger, turn);
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
    const last = turns >= c.turnsBeforeTransfer;
    const echo = call.stream(
      concat(
        c.say(c.script.youSaid),
        of(turn.audio),
        last ? c.say(c.script.transfer(c.transferTo)) : of(),
      ),
      { sampleRate: PCM_RATE, mode: 'interrupt' },
    );
    if (last) {
      ending = true;
      void echo.done.then(() => call.transfer(c.transferTo));
    }
  };
  const turnsSubscription = call
    .audio()
    .pipe(
      detectTurns({
        openVad: c.openVad,
        endSilenceMs: c.turnEndMs,
        trace: call.trace,
        // Suspicions from the first voiced frame, or sooner from an energy onset in the
        // caller's audio as it arrives. Off: barge-in on `speech-start` only.
        ...(c.pauseOnSuspicion ? { suspectMs: 0, onset: true } : {}),
      }),
    )
    .subscribe({
      next: onTurn,
      error: (error: unknown) => logger.error({ err: error }, 'turn detection failed'),
    });

  // 5. Hang up after a long silence (the bot's own talking is not silence).
  const silenceTimer = setInterval(() => {
    if (callerSpeaking || call.speaking) lastActivity = Date.now();
    else if (!ending && Date.now() - lastActivity >= c.silenceHangupMs) {
      ending = true;
      void call
        .stream(c.say(c.script.goodbye), { sampleRate: PCM_RATE })
        .done.then(() => call.hangup());
    }
  }, 250);

  await call.closed;
  clearInterval(silenceTimer);
  turnsSubscription.unsubscribe();
}

/**
 * 3. Barge-in: on the caller's first loud piece or voiced frame (`speech-suspected`) the bot's speech pauses, on a
 * confirmed turn (`speech-start`) it stops, and when the turn never came
 * (`suspicion-cleared`: a cough, a click) it resumes where it paused.
 */
function giveWay(
  call: Call,
  logger: Parameters<Bot>[1]['logger'],
  turn: Exclude<TurnEvent | SuspicionEvent, { type: 'speech-end' }>,
): void {
  if (turn.type === 'speech-suspected') call.pauseSpeech();
  else if (turn.type === 'suspicion-cleared') call.resumeSpeech();
  else if (call.speaking) {
    logger.info({ at_ms: Math.round(turn.atMs) }, 'caller barged in');
    call.interrupt();
  }
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
