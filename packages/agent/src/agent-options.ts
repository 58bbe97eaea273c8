import type { AnyTextToSpeech, SpeechToText } from '@psrkit/pipeline';
import type { AnswerDetector, AnswerMode, AnswerVerdict } from '@psrkit/plugin-answer-detect';
import type { OpenVad } from '@psrkit/plugin-vad';
import type { Call } from '@psrkit/transport';
import type { LanguageModel, ToolSet } from 'ai';
import type { readsComplete } from './turn-complete.js';

/** What happened in a conversation, for logs and metrics; times are ms. */
export type AgentEvent =
  /** The caller's turn, as the recogniser heard it; `sttMs` from the end of their speech. */
  | { readonly type: 'transcript'; readonly text: string; readonly sttMs: number }
  /**
   * The caller's turn is over, `waitMs` after their speech ended: `by` a transcript that
   * reads complete, or by the silence rule.
   */
  | {
      readonly type: 'turn-end';
      readonly waitMs: number;
      /**
       * `transcript`: a live recogniser heard the caller stop after words that read complete;
       * `complete`: they read complete and `completeTurnEndMs` of silence passed;
       * `silence`: `turnEndMs` of silence passed.
       */
      readonly by: 'transcript' | 'complete' | 'silence';
    }
  /**
   * Work started on a pause was dropped because the caller went on: the requests it made
   * and the text the model had written.
   */
  | {
      readonly type: 'early-start-dropped';
      readonly sttRequests: number;
      readonly modelRequests: number;
      readonly modelTextChars: number;
    }
  /** The model's first words for a turn, `firstTokenMs` after the end of the caller's speech. */
  | { readonly type: 'first-token'; readonly firstTokenMs: number }
  /** The reply's first audio was sent: `voiceToVoiceMs` after the end of the caller's speech. */
  | { readonly type: 'first-audio'; readonly voiceToVoiceMs: number }
  /**
   * The caller spoke over the agent: what it was saying, what they heard of it (the words
   * whose audio had played to their end by `heardMs`), and whether the engine timed those
   * words (`measured`) or they were `estimated` from the text.
   */
  | {
      readonly type: 'interrupted';
      readonly said: string;
      readonly heard: string;
      readonly heardMs: number;
      readonly timings: 'measured' | 'estimated';
    }
  /** The model called a tool. */
  | { readonly type: 'tool-call'; readonly name: string; readonly input: unknown }
  /** Who answered (answer detection on): recorded as the call's `answered_by` result field. */
  | { readonly type: 'answer'; readonly verdict: AnswerVerdict }
  /** A part failed; the call goes on. */
  | { readonly type: 'error'; readonly stage: 'stt' | 'model'; readonly error: unknown };

/**
 * Who answered an outbound call, before the agent speaks: a call's `detect_answer=hold`
 * holds the greeting until a person answered (at most `maxHoldMs`), `speak` greets at once;
 * a voicemail gets `voicemailMessage` after its beep, an announcement or dead air a hangup.
 */
export interface AgentAnswerOptions {
  /** The detector, one for every call (`createAnswerDetector({ transcript: { stt } })`). */
  readonly detector: AnswerDetector;
  /** The mode of calls without a `detect_answer` parameter (default `off`). */
  readonly mode?: AnswerMode;
  /** `hold`: the longest wait for the verdict before greeting anyway, ms (default 3000). */
  readonly maxHoldMs?: number;
  /** Said on a voicemail after its beep, then the agent hangs up; without it, it hangs up at once. */
  readonly voicemailMessage?: string | ((call: Call) => string);
}

/** Options of {@link createAgent}: the model, the recogniser, the voice and the VAD behind a call. */
export interface AgentOptions {
  /** Any AI SDK language model: `openai('gpt-4o-mini')`, an OpenAI-compatible base URL, Google, … */
  readonly model: LanguageModel;
  /** Hears the caller's turns (any `SpeechToText` plugin). */
  readonly stt: SpeechToText;
  /**
   * Speaks the model's replies as they stream (any text-to-speech plugin, version 1 or 2);
   * with an engine's word timings the history keeps exactly the words the caller heard.
   */
  readonly tts: AnyTextToSpeech;
  /** The VAD behind turn-taking: `loadSileroVad()` or `loadWebRtcVad()`. */
  readonly openVad: OpenVad;
  /** The system prompt; a function of the call reads its parameters (`danh_xung`, …). */
  readonly instructions: string | ((call: Call) => string);
  /** Said first: a text (or a function of the call), or `'model'` for a first model turn. */
  readonly greeting?: string | ((call: Call) => string) | 'model';
  /** The conversation's language: what the recogniser listens for (default `en`). */
  readonly language?: string;
  /** The TTS voice (default: the engine's voice for the language, when it has one, else its own). */
  readonly voice?: string;
  /** Your tools, beside the built-in `transfer` and `hangup`. */
  readonly tools?: ToolSet;
  /** Silence (caller and agent) before the agent says `goodbye` and hangs up, ms (default 20 000). */
  readonly silenceHangupMs?: number;
  /** What the agent says before it hangs up on silence (default `Goodbye!`). */
  readonly goodbye?: string;
  /** Silence that ends a caller's turn, ms (default 700). */
  readonly turnEndMs?: number;
  /**
   * Silence after which the agent starts transcribing and the model on what the caller said
   * so far, ms (default 250; `turnEndMs` turns early starts off). The reply speaks once the
   * turn is confirmed; if the caller goes on first, the work is dropped (and reported).
   */
  readonly earlyTurnEndMs?: number;
  /**
   * Whether a transcript ends the caller's turn after `completeTurnEndMs` of silence instead
   * of `turnEndMs` (default {@link readsComplete}: it ends a sentence, has two words or more,
   * and does not end on a word that leaves it hanging; `() => false` always waits out
   * `turnEndMs`).
   */
  readonly turnComplete?: (text: string) => boolean;
  /**
   * Silence that ends a turn whose transcript reads complete, ms (default `earlyTurnEndMs`:
   * the reply speaks as soon as the transcript of the first pause reads complete; at most
   * `turnEndMs`). Longer waits out more of the pauses callers make inside a sentence, at
   * that cost on every answer.
   */
  readonly completeTurnEndMs?: number;
  /**
   * `true` (default): the agent's speech pauses on the first voiced frame of the caller
   * (`call.pauseSpeech()`), is cut off once a turn starts, and resumes where it paused when it
   * was not one (a cough, a click); `false`: it speaks on until a turn starts.
   */
  readonly pauseOnSuspicion?: boolean;
  /** Each turn's events (turns, transcripts, latencies, tool calls, errors), for logs and metrics. */
  readonly onEvent?: (event: AgentEvent, call: Call) => void;
  /** Answer detection on outbound calls that ask for it (`detect_answer=hold|speak`). */
  readonly answer?: AgentAnswerOptions;
}
