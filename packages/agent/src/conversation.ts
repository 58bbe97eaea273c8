import { performance } from 'node:perf_hooks';
import type { TextToSpeechV2 } from '@psrkit/pipeline';
import type { AnswerOnCall } from '@psrkit/plugin-answer-detect';
import { detectTurns, type TurnEvent } from '@psrkit/plugin-vad';
import type { Call } from '@psrkit/transport';
import type { ModelMessage, ToolSet } from 'ai';
import {
  concatMap,
  filter,
  lastValueFrom,
  type Observable,
  of,
  type Subscription,
  tap,
  toArray,
} from 'rxjs';
import type { AgentEvent, AgentOptions } from './agent-options.js';
import { callEndingTools } from './call-tools.js';
import { startModelTurn } from './model-turn.js';
import { type SpokenReply, speakOnCall } from './speak-on-call.js';

type SpeechEnd = Extract<TurnEvent, { readonly type: 'speech-end' }>;

/** What a conversation is set up with, once per agent. */
export interface ConversationSetup {
  readonly options: AgentOptions;
  readonly tts: TextToSpeechV2;
  readonly voice: string | undefined;
  readonly language: string;
  readonly silenceMs: number;
}

/** What the caller heard of a speech, as the history keeps it (nothing when they heard nothing). */
function heardMessages({ heard, completed }: SpokenReply): ModelMessage[] {
  if (!heard) return [];
  return [
    { role: 'assistant', content: completed ? heard : `${heard} [interrupted by the caller]` },
  ];
}

/**
 * One call's conversation: the history the model sees, the reply on the line (cancelled by a
 * barge-in), the call's ending a tool asked for, and the silence timer. Each method handles
 * one moment of the call.
 */
export class Conversation {
  private readonly history: ModelMessage[] = [];
  /** The reply on the line: aborted by a barge-in. */
  private replying: AbortController | undefined;
  /** `transfer`/`hangup`, run once the reply that asked for it has been heard. */
  private ending: (() => void) | undefined;
  private silence: NodeJS.Timeout | undefined;
  private turns: Subscription | undefined;
  private readonly tools: ToolSet;
  private readonly system: string;

  constructor(
    private readonly call: Call,
    private readonly setup: ConversationSetup,
    private readonly logger: { warn(fields: object, message: string): void },
    /** Who answered, when the call asked for answer detection. */
    private readonly answer?: AnswerOnCall,
  ) {
    const { instructions, tools } = setup.options;
    this.system = typeof instructions === 'function' ? instructions(call) : instructions;
    this.tools = {
      ...callEndingTools(call, (end) => {
        this.ending = end;
      }),
      ...tools,
    };
  }

  emit(event: AgentEvent): void {
    this.setup.options.onEvent?.(event, this.call);
  }

  /** Speaks text (whole or streamed); `endOfSpeech` times the reply's first audio. */
  speak(text: string | Observable<string>, endOfSpeech?: number): Promise<SpokenReply> {
    return speakOnCall(this.call, this.setup.tts, text, {
      voice: this.setup.voice,
      ...(endOfSpeech !== undefined && {
        onFirstAudio: () =>
          this.emit({ type: 'first-audio', voiceToVoiceMs: performance.now() - endOfSpeech }),
      }),
    });
  }

  /** Says a fixed text and keeps what was heard of it. */
  async say(text: string): Promise<void> {
    this.history.push(...heardMessages(await this.speak(text)));
  }

  /** One model turn: its text streamed into speech; the history keeps what was heard. */
  async reply(endOfSpeech: number | undefined): Promise<void> {
    const abort = new AbortController();
    this.replying = abort;
    this.ending = undefined;
    const turn = startModelTurn({
      model: this.setup.options.model,
      system: this.system,
      history: this.history,
      tools: this.tools,
      signal: AbortSignal.any([abort.signal, this.call.signal]),
      onToolCall: (name, input) => this.emit({ type: 'tool-call', name, input }),
      onFirstText: () => {
        if (endOfSpeech !== undefined)
          this.emit({ type: 'first-token', firstTokenMs: performance.now() - endOfSpeech });
      },
      onError: (error) => this.emit({ type: 'error', stage: 'model', error }),
    });
    const spoken = await this.speak(turn.text$, endOfSpeech);
    if (this.replying === abort) this.replying = undefined;
    const end = this.ending as (() => void) | undefined; // set by a tool while the reply streamed
    this.ending = undefined;
    if (!spoken.completed) {
      const { said, heard, heardMs, timings } = spoken;
      this.emit({ type: 'interrupted', said, heard, heardMs, timings });
      this.history.push(...heardMessages(spoken));
      return;
    }
    try {
      this.history.push(...(await turn.messages()));
    } catch {
      this.history.push(...heardMessages(spoken));
    }
    end?.();
  }

  /** Hangs up with a goodbye after the silence limit (a reply on the line restarts it). */
  armSilence(): void {
    clearTimeout(this.silence);
    if (this.answer?.takeover.aborted) return; // a machine: answer detection has the call
    this.silence = setTimeout(() => {
      if (this.replying) return this.armSilence();
      void this.speak(this.setup.options.goodbye ?? 'Goodbye!').then(() => this.call.hangup());
    }, this.setup.silenceMs);
  }

  /** The caller's turn as text; a recogniser's failure is reported and gives none. */
  private async transcribe(turn: SpeechEnd, endOfSpeech: number): Promise<string | undefined> {
    const frame = {
      samples: turn.audio,
      sampleRate: turn.sampleRate,
      channel: this.call.remoteSide,
      startSample: 0,
    };
    try {
      const transcripts = await lastValueFrom(
        this.setup.options.stt
          .transcribe(of(frame), { language: this.setup.language })
          .pipe(toArray()),
      );
      const text = transcripts
        .filter((t) => t.type === 'final')
        .map((t) => t.text)
        .join(' ')
        .trim();
      this.emit({ type: 'transcript', text, sttMs: performance.now() - endOfSpeech });
      return text;
    } catch (error) {
      this.emit({ type: 'error', stage: 'stt', error });
      this.logger.warn({ err: error }, 'the caller’s turn could not be transcribed');
      return undefined;
    }
  }

  /** One caller turn: transcribed, then answered. */
  private async answerTurn(turn: SpeechEnd): Promise<void> {
    const endOfSpeech = performance.now();
    const text = await this.transcribe(turn, endOfSpeech);
    if (text) {
      this.history.push({ role: 'user', content: text });
      await this.reply(endOfSpeech);
    }
    this.armSilence();
  }

  /** The caller started speaking: the agent falls silent, its reply and model stop. */
  private bargeIn(): void {
    clearTimeout(this.silence);
    if (!this.replying) return;
    this.call.interrupt();
    this.replying.abort();
  }

  /** Listens for the caller's turns until the call ends or `stop`. */
  listen(): void {
    this.turns = this.call
      .audio()
      .pipe(
        detectTurns({
          openVad: this.setup.options.openVad,
          endSilenceMs: this.setup.options.turnEndMs ?? 700,
          trace: this.call.trace,
        }),
        tap((turn) => turn.type === 'speech-start' && this.bargeIn()),
        filter((turn): turn is SpeechEnd => turn.type === 'speech-end'),
        concatMap((turn) => this.answerTurn(turn)),
      )
      .subscribe();
  }

  /** Stops listening, the silence timer and the reply on the line. */
  stop(): void {
    clearTimeout(this.silence);
    this.turns?.unsubscribe();
    this.replying?.abort();
  }
}
