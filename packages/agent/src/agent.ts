import { performance } from 'node:perf_hooks';
import type { SpeechToText, TextToSpeech } from '@psrkit/pipeline';
import {
  type AnswerDetector,
  type AnswerLogger,
  type AnswerMode,
  type AnswerOnCall,
  type AnswerVerdict,
  answerOnCall,
} from '@psrkit/plugin-answer-detect';
import { detectTurns, type OpenVad, type TurnEvent } from '@psrkit/plugin-vad';
import type { Bot, Call } from '@psrkit/transport';
import {
  hasToolCall,
  type LanguageModel,
  type ModelMessage,
  stepCountIs,
  streamText,
  type TextStreamPart,
  type ToolSet,
  tool,
} from 'ai';
import {
  concatMap,
  EMPTY,
  filter,
  firstValueFrom,
  from,
  lastValueFrom,
  type Observable,
  of,
  type Subscription,
  tap,
  toArray,
} from 'rxjs';
import { z } from 'zod';
import { heardText } from './heard-text.js';
import { sentences } from './sentences.js';

/** What happened in a conversation, for logs and metrics; times are ms. */
export type AgentEvent =
  /** The caller's turn, as the recogniser heard it; `sttMs` from the end of their speech. */
  | { readonly type: 'transcript'; readonly text: string; readonly sttMs: number }
  /** The model's first words for a turn, `firstTokenMs` after the end of the caller's speech. */
  | { readonly type: 'first-token'; readonly firstTokenMs: number }
  /** The reply's first audio was sent: `voiceToVoiceMs` after the end of the caller's speech. */
  | { readonly type: 'first-audio'; readonly voiceToVoiceMs: number }
  /** The caller spoke over the agent: what it was saying, and what they heard of it. */
  | { readonly type: 'interrupted'; readonly said: string; readonly heard: string }
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
  /** Speaks the model's replies, sentence by sentence (any `TextToSpeech` plugin). */
  readonly tts: TextToSpeech;
  /** The VAD behind turn-taking: `loadSileroVad()` or `loadWebRtcVad()`. */
  readonly openVad: OpenVad;
  /** The system prompt; a function of the call reads its parameters (`danh_xung`, …). */
  readonly instructions: string | ((call: Call) => string);
  /** Said first: a text (or a function of the call), or `'model'` for a first model turn. */
  readonly greeting?: string | ((call: Call) => string) | 'model';
  /** The conversation's language: what the recogniser listens for (default `en`). */
  readonly language?: string;
  /** The TTS voice (default: the language's). */
  readonly voice?: string;
  /** Your tools, beside the built-in `transfer` and `hangup`. */
  readonly tools?: ToolSet;
  /** Silence (caller and agent) before the agent says `goodbye` and hangs up, ms (default 20 000). */
  readonly silenceHangupMs?: number;
  /** What the agent says before it hangs up on silence (default `Goodbye!`). */
  readonly goodbye?: string;
  /** Silence that ends a caller's turn, ms (default 700). */
  readonly turnEndMs?: number;
  /** Each turn's events (turns, transcripts, latencies, tool calls, errors), for logs and metrics. */
  readonly onEvent?: (event: AgentEvent, call: Call) => void;
  /** Answer detection on outbound calls that ask for it (`detect_answer=hold|speak`). */
  readonly answer?: AgentAnswerOptions;
}

type SpeechEnd = Extract<TurnEvent, { readonly type: 'speech-end' }>;

/** Answer detection on a call, as the agent's options ask; `say` leaves the voicemail message. */
function watchWhoAnswered(
  call: Call,
  { detector, mode, maxHoldMs, voicemailMessage: message }: AgentAnswerOptions,
  logger: AnswerLogger,
  {
    say,
    onVerdict,
  }: { say: (text: string) => Promise<unknown>; onVerdict: (v: AnswerVerdict) => void },
): AnswerOnCall {
  return answerOnCall(call, {
    detector,
    logger,
    onVerdict,
    ...(mode && { mode }),
    ...(maxHoldMs !== undefined && { maxHoldMs }),
    ...(message && {
      leaveMessage: () => say(typeof message === 'function' ? message(call) : message),
    }),
  });
}

/**
 * What the history keeps of something the agent said: what the caller heard of it, marked
 * as cut off when they interrupted; nothing when they heard nothing.
 */
function heardMessage(heard: string, completed: boolean): ModelMessage[] {
  if (!heard) return [];
  return [
    { role: 'assistant', content: completed ? heard : `${heard} [interrupted by the caller]` },
  ];
}

/** A sentence being spoken: its text and how much audio it made so far. */
interface Sentence {
  readonly text: string;
  durationMs: number;
}

/**
 * A conversational bot: it listens for the caller's turns (VAD), transcribes each (STT),
 * streams the model's answer sentence by sentence into speech as one continuous stream
 * (first audio once the first sentence is synthesised), falls silent the moment the caller
 * speaks — cancelling the model and the speech, and keeping in the history only what the
 * caller heard — and transfers or hangs up when the model calls `transfer` or `hangup`,
 * once the reply has been heard.
 */
export function createAgent(options: AgentOptions): Bot {
  const silenceMs = options.silenceHangupMs ?? 20_000;
  const language = options.language ?? 'en';
  const voice = options.voice ?? language;
  return async (call, { logger }) => {
    const emit = (event: AgentEvent) => options.onEvent?.(event, call);
    const system =
      typeof options.instructions === 'function'
        ? options.instructions(call)
        : options.instructions;
    const history: ModelMessage[] = [];
    /** The reply on the line: cancelled by a barge-in. */
    let replying: { readonly abort: AbortController } | undefined;
    /** `transfer`/`hangup`, run once the reply that asked for it has been heard. */
    let ending: (() => void) | undefined;
    let silence: NodeJS.Timeout | undefined;

    const builtins: ToolSet = {
      transfer: tool({
        description:
          'Transfer the call to a person at an extension. Say a short sentence first; the transfer happens once the caller has heard it.',
        inputSchema: z.object({ extension: z.string().regex(/^[0-9*#]{1,15}$/) }),
        execute: async ({ extension }) => {
          ending = () => call.transfer(extension);
          return `the call will be transferred to ${extension} after your reply`;
        },
      }),
      hangup: tool({
        description: 'End the call. Say goodbye first; the call ends once the caller has heard it.',
        inputSchema: z.object({}),
        execute: async () => {
          ending = () => call.hangup();
          return 'the call will end after your reply';
        },
      }),
    };

    /** Speaks sentences as they come; resolves with what was said and heard, and how it ended. */
    const speak = async (
      text$: Observable<string>,
      endOfSpeech: number | undefined,
    ): Promise<{ said: string; heard: string; completed: boolean }> => {
      const spoken: Sentence[] = [];
      const pcm$ = text$.pipe(
        sentences(),
        concatMap((text) => {
          const sentence: Sentence = { text, durationMs: 0 };
          spoken.push(sentence);
          return options.tts
            .synthesize(text, { voice })
            .pipe(
              tap(
                (piece) => (sentence.durationMs += (piece.length * 1000) / options.tts.sampleRate),
              ),
            );
        }),
      );
      const handle = call.stream(pcm$, { sampleRate: options.tts.sampleRate });
      if (endOfSpeech !== undefined)
        void firstValueFrom(handle.events$.pipe(filter((e) => e.type === 'playback-start')), {
          defaultValue: undefined,
        }).then((start) => {
          if (start) emit({ type: 'first-audio', voiceToVoiceMs: performance.now() - endOfSpeech });
        });
      const outcome = await handle.done;
      const said = spoken.map((s) => s.text).join(' ');
      if (outcome.type === 'playback-end') return { said, heard: said, completed: true };
      return { said, heard: heardText(spoken, outcome.heardMs), completed: false };
    };

    /** One model turn: streams its text into speech; keeps in the history what was heard. */
    const reply = async (endOfSpeech: number | undefined): Promise<void> => {
      const abort = new AbortController();
      replying = { abort };
      ending = undefined;
      let first = true;
      const result = streamText({
        model: options.model,
        system,
        messages: history,
        tools: { ...builtins, ...options.tools },
        // Your tools may need a step to answer with their result; ending the call ends the turn.
        stopWhen: [stepCountIs(3), hasToolCall('transfer'), hasToolCall('hangup')],
        abortSignal: AbortSignal.any([abort.signal, call.signal]),
        onError: ({ error }) => {
          if (!abort.signal.aborted) emit({ type: 'error', stage: 'model', error });
        },
      });
      // The text of every step, a step's end a sentence's end; tool calls reported.
      const text$ = from(result.fullStream as AsyncIterable<TextStreamPart<ToolSet>>).pipe(
        concatMap((part) => {
          if (part.type === 'tool-call')
            emit({ type: 'tool-call', name: part.toolName, input: part.input });
          if (part.type === 'finish-step') return of('\n');
          return part.type === 'text-delta' ? of(part.text) : EMPTY;
        }),
        tap(() => {
          if (first && endOfSpeech !== undefined)
            emit({ type: 'first-token', firstTokenMs: performance.now() - endOfSpeech });
          first = false;
        }),
      );
      const { said, heard, completed } = await speak(text$, endOfSpeech);
      if (replying?.abort === abort) replying = undefined;
      if (completed) {
        try {
          history.push(...(await result.response).messages);
        } catch {
          if (said) history.push({ role: 'assistant', content: said });
        }
        // Set by a tool while the reply streamed (TypeScript cannot see that).
        const end = ending as (() => void) | undefined;
        ending = undefined;
        end?.();
      } else {
        // Interrupted: the history keeps what the caller heard, marked as cut off.
        emit({ type: 'interrupted', said, heard });
        if (heard)
          history.push({ role: 'assistant', content: `${heard} [interrupted by the caller]` });
        ending = undefined;
      }
    };

    const armSilence = () => {
      clearTimeout(silence);
      if (answer?.takeover.aborted) return; // a machine: answer detection has the call
      silence = setTimeout(() => {
        if (replying) return armSilence();
        void speak(of(options.goodbye ?? 'Goodbye!'), undefined).then(() => call.hangup());
      }, silenceMs);
    };

    /** One caller turn: transcribed, then answered; a recogniser's failure is logged, and the call goes on. */
    const answerTurn = async (turn: SpeechEnd): Promise<void> => {
      const endOfSpeech = performance.now();
      const frame = {
        samples: turn.audio,
        sampleRate: turn.sampleRate,
        channel: call.remoteSide,
        startSample: 0,
      };
      let text: string;
      try {
        const transcripts = await lastValueFrom(
          options.stt.transcribe(of(frame), { language }).pipe(toArray()),
        );
        text = transcripts
          .filter((t) => t.type === 'final')
          .map((t) => t.text)
          .join(' ')
          .trim();
      } catch (error) {
        emit({ type: 'error', stage: 'stt', error });
        logger.warn({ err: error }, 'the caller’s turn could not be transcribed');
        return armSilence();
      }
      emit({ type: 'transcript', text, sttMs: performance.now() - endOfSpeech });
      if (text) {
        history.push({ role: 'user', content: text });
        await reply(endOfSpeech);
      }
      armSilence();
    };

    // Who answered, from the first frame (calls that ask for it): a machine takes the call.
    const answer =
      options.answer &&
      watchWhoAnswered(call, options.answer, logger, {
        say: (text) => speak(of(text), undefined),
        onVerdict: (verdict) => emit({ type: 'answer', verdict }),
      });
    let turns: Subscription | undefined;
    answer?.takeover.addEventListener('abort', () => {
      turns?.unsubscribe();
      clearTimeout(silence);
      replying?.abort.abort();
    });
    const listen = () =>
      call
        .audio()
        .pipe(
          detectTurns({
            openVad: options.openVad,
            endSilenceMs: options.turnEndMs ?? 700,
            trace: call.trace,
          }),
          tap((turn) => {
            if (turn.type !== 'speech-start') return;
            clearTimeout(silence);
            if (replying) {
              call.interrupt(); // falls silent now; the reply's speech and model stop with it
              replying.abort.abort();
            }
          }),
          filter((turn): turn is SpeechEnd => turn.type === 'speech-end'),
          concatMap(answerTurn),
        )
        .subscribe();

    try {
      // `detect_answer=hold`: a person's first words are the detector's, not a turn.
      if (answer && !(await answer.mayGreet)) return void (await call.closed);
      turns = listen();
      const greeting =
        typeof options.greeting === 'function' ? options.greeting(call) : options.greeting;
      if (greeting === 'model') await reply(undefined);
      else if (greeting) {
        const { heard, completed } = await speak(of(greeting), undefined);
        history.push(...heardMessage(heard, completed));
      }
      armSilence();
      await call.closed;
    } finally {
      clearTimeout(silence);
      turns?.unsubscribe();
      replying?.abort.abort();
    }
  };
}
