import type { TextToSpeech } from '@psrkit/pipeline';
import {
  type AnswerDetector,
  type AnswerDetectorOptions,
  type AnswerMode,
  isAnswerMode,
} from '@psrkit/plugin-answer-detect';
import type { OpenVad } from '@psrkit/plugin-vad';

export type DemoVad = 'silero' | 'webrtc';
const VADS: readonly DemoVad[] = ['silero', 'webrtc'];

/** Who answered an outbound call, before the demo bot speaks (see `@psrkit/plugin-answer-detect`). */
export interface DemoAnswerOptions {
  /**
   * The detector, or its options (default: the cadence detector on the WebRTC VAD; give it
   * `transcript: { stt }` to name announcements). Made once for every call.
   */
  readonly detector?: AnswerDetector | AnswerDetectorOptions;
  /** The mode of calls without a `detect_answer` parameter (default `off`). */
  readonly mode?: AnswerMode;
  /** `hold`: the longest wait for the verdict before greeting anyway, ms (default 3000). */
  readonly maxHoldMs?: number;
  /**
   * What the bot says on a voicemail after its beep, then hangs up (default: a short
   * call-back message in the call's language); `false`: hang up at once.
   */
  readonly voicemailMessage?: string | false;
}

export interface DemoBotOptions {
  /** Silence that ends a caller turn, ms (default 700). */
  readonly turnEndMs?: number;
  /** Turns before the bot transfers the call (default 3). */
  readonly turnsBeforeTransfer?: number;
  /** Where to transfer (default `101`; a call's `transfer_to` parameter wins). */
  readonly transferTo?: string;
  /**
   * Pause the bot's speech on the VAD's first voiced frame, stop it once the turn is
   * confirmed, resume it when it was not (default true; `false`: stop on a confirmed turn
   * only, as before). A false pause costs the caller a gap of at most ~240 ms less the
   * audio in flight; see the README for the figures.
   */
  readonly pauseOnSuspicion?: boolean;
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
  /** Another VAD engine (any `OpenVad`); wins over `vad`. */
  readonly openVad?: OpenVad;
  /** Answer detection on calls that ask for it (`detect_answer=hold|speak`). */
  readonly answer?: DemoAnswerOptions;
}

/**
 * Reads the options from the environment (`DEMO_TURN_END_MS`, `DEMO_TURNS`,
 * `DEMO_TRANSFER_TO`, `DEMO_SILENCE_MS`, `DEMO_VAD`, `DEMO_PAUSE_ON_SUSPICION` (`0` for
 * off), `DEMO_DETECT_ANSWER`,
 * `DEMO_DETECT_ANSWER_MAX_HOLD_MS`, `DEMO_VOICEMAIL_MESSAGE`).
 * @throws {RangeError} naming the variable of a bad value
 */
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
  const answer = answerOptionsFromEnv(env, number);
  const pause = env['DEMO_PAUSE_ON_SUSPICION'] || undefined;
  if (pause !== undefined && pause !== '0' && pause !== '1')
    throw new RangeError(`DEMO_PAUSE_ON_SUSPICION must be 0 or 1, got ${JSON.stringify(pause)}`);
  return {
    ...(vad !== undefined && { vad: vad as DemoVad }),
    ...(pause !== undefined && { pauseOnSuspicion: pause === '1' }),
    ...(turnEndMs !== undefined && { turnEndMs }),
    ...(turns !== undefined && { turnsBeforeTransfer: turns }),
    ...(silence !== undefined && { silenceHangupMs: silence }),
    ...(env['DEMO_TRANSFER_TO'] && { transferTo: env['DEMO_TRANSFER_TO'] }),
    ...(answer && { answer }),
  };
}

function answerOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  number: (name: string) => number | undefined,
): DemoAnswerOptions | undefined {
  const mode = env['DEMO_DETECT_ANSWER'] || undefined;
  if (mode !== undefined && !isAnswerMode(mode))
    throw new RangeError(
      `DEMO_DETECT_ANSWER must be off, hold or speak, got ${JSON.stringify(mode)}`,
    );
  const maxHoldMs = number('DEMO_DETECT_ANSWER_MAX_HOLD_MS');
  const message = env['DEMO_VOICEMAIL_MESSAGE'];
  const answer: DemoAnswerOptions = {
    ...(mode !== undefined && { mode }),
    ...(maxHoldMs !== undefined && { maxHoldMs }),
    // An empty message: hang up on voicemails.
    ...(message !== undefined && { voicemailMessage: message.trim() || false }),
  };
  return Object.keys(answer).length > 0 ? answer : undefined;
}
