import { performance } from 'node:perf_hooks';
import type { TextToSpeechV2 } from '@psrkit/pipeline';
import type { AnswerOnCall } from '@psrkit/plugin-answer-detect';
import { detectTurns, type TurnEvent } from '@psrkit/plugin-vad';
import type { Call } from '@psrkit/transport';
import type { ModelMessage } from 'ai';
import { lastValueFrom, type Observable, of, type Subscription, tap, toArray } from 'rxjs';
import type { AgentEvent, AgentOptions } from './agent-options.js';
import { LiveTranscript } from './live-transcript.js';
import { type SpokenReply, speakOnCall } from './speak-on-call.js';
import { StartedReply } from './started-reply.js';
import { type PauseAttempt, TurnListening } from './turn-listening.js';

type SpeechEnd = Extract<TurnEvent, { readonly type: 'speech-end' }>;

/** What the caller said before a pause, and whether a live recogniser heard them stop there. */
interface PauseWords {
  readonly text: string | undefined;
  readonly ended: boolean;
  /** Requests made to hear them: 1 for a turn transcribed on its own, 0 for a live stream. */
  readonly sttRequests: number;
}

/** How a caller's turn was confirmed (the `turn-end` event's `by`). */
type TurnConfirmation = Extract<AgentEvent, { type: 'turn-end' }>['by'];

/** What a conversation is set up with, once per agent. */
export interface ConversationSetup {
  readonly options: AgentOptions;
  readonly tts: TextToSpeechV2;
  readonly voice: string | undefined;
  readonly language: string;
  readonly silenceMs: number;
  /** Silence after which work on the caller's turn starts, ms. */
  readonly earlyTurnEndMs: number;
  /** Silence after which the caller's turn is over, ms. */
  readonly turnEndMs: number;
  /** Silence after which a turn whose transcript reads complete is over, ms. */
  readonly completeTurnEndMs: number;
  /** A transcript that ends the turn without waiting out `turnEndMs`. */
  readonly turnComplete: (text: string) => boolean;
  /** The agent's speech pauses on the first sign of the caller's voice, resumes if it was not a turn. */
  readonly pauseOnSuspicion: boolean;
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
  /** The reply being spoken, until it ends: the next turn waits for its history. */
  private delivering: Promise<void> = Promise.resolve();
  private silence: NodeJS.Timeout | undefined;
  private turns: Subscription | undefined;
  /** A streaming recogniser on the whole call, when the agent has one. */
  private live: LiveTranscript | undefined;
  private readonly listening: TurnListening;
  private readonly system: string;

  constructor(
    private readonly call: Call,
    private readonly setup: ConversationSetup,
    private readonly logger: { warn(fields: object, message: string): void },
    /** Who answered, when the call asked for answer detection. */
    private readonly answer?: AnswerOnCall,
  ) {
    const { instructions } = setup.options;
    this.system = typeof instructions === 'function' ? instructions(call) : instructions;
    this.listening = new TurnListening(
      setup.earlyTurnEndMs,
      setup.turnEndMs,
      setup.completeTurnEndMs,
    );
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
  say(text: string): Promise<void> {
    // A turn the caller takes meanwhile waits for it: the model must see what was heard of it.
    this.delivering = this.speak(text).then((spoken) => {
      this.history.push(...heardMessages(spoken));
    });
    return this.delivering;
  }

  /** Starts a model turn on the history and `caller`'s words (perhaps before their turn is over). */
  private startReply(caller: string | undefined, endOfSpeech: number | undefined): StartedReply {
    return new StartedReply({
      call: this.call,
      model: this.setup.options.model,
      system: this.system,
      messages: caller ? [...this.history, { role: 'user', content: caller }] : this.history,
      tools: this.setup.options.tools,
      onToolCall: (name, input) => this.emit({ type: 'tool-call', name, input }),
      onFirstText: () => {
        if (endOfSpeech !== undefined)
          this.emit({ type: 'first-token', firstTokenMs: performance.now() - endOfSpeech });
      },
      onError: (error) => this.emit({ type: 'error', stage: 'model', error }),
    });
  }

  /** Speaks a confirmed reply; the history keeps what was heard; then the ending it asked for. */
  private async deliver(reply: StartedReply, endOfSpeech: number | undefined): Promise<void> {
    reply.confirm();
    this.replying = reply.abort;
    const spoken = await this.speak(reply.text$, endOfSpeech);
    if (this.replying === reply.abort) this.replying = undefined;
    if (!spoken.completed) {
      const { said, heard, heardMs, timings } = spoken;
      this.emit({ type: 'interrupted', said, heard, heardMs, timings });
      this.history.push(...heardMessages(spoken));
      return;
    }
    try {
      this.history.push(...(await reply.messages()));
    } catch {
      this.history.push(...heardMessages(spoken));
    }
    reply.ending?.();
  }

  /** A model turn spoken at once (a greeting by the model). */
  reply(): Promise<void> {
    return this.deliver(this.startReply(undefined, undefined), undefined);
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
  private async transcribe(
    samples: Int16Array,
    sampleRate: number,
    endOfSpeech: number,
  ): Promise<string | undefined> {
    const frame = {
      samples,
      sampleRate,
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

  /** The caller started speaking: the agent falls silent, its reply and model stop. */
  private bargeIn(): void {
    clearTimeout(this.silence);
    this.listening.callerSpoke();
    // A fixed text (the greeting) is not cut off: it goes on from where a suspicion paused it.
    if (!this.replying) {
      this.call.resumeSpeech();
      return;
    }
    this.call.interrupt();
    this.replying.abort();
  }

  /**
   * A pause in the caller's speech, perhaps the end of their turn: their words so far are
   * transcribed (or read from the live recogniser) and the model started at once; the reply
   * speaks when the turn is confirmed — by {@link confirmation} — and is dropped, with the
   * work it cost reported, if the caller goes on first.
   */
  private async onPause(turn: SpeechEnd): Promise<void> {
    const endOfSpeech = performance.now() - this.listening.earlyMs;
    const attempt = this.listening.pause(turn.audio);
    const words = await this.wordsBefore(attempt, turn.sampleRate, endOfSpeech);
    await this.delivering; // the reply before it: the history holds what was heard of it
    if (attempt.dropped) return this.wasted(undefined, words.sttRequests);
    if (!words.text) return this.nothingSaid(attempt);
    const reply = this.startReply(words.text, endOfSpeech);
    const confirmed = await this.confirmation(attempt, words);
    if (!confirmed || attempt.dropped) return this.wasted(reply, words.sttRequests);
    this.listening.confirmed();
    this.live?.turnTaken();
    this.emit({ type: 'turn-end', waitMs: performance.now() - endOfSpeech, by: confirmed });
    this.history.push({ role: 'user', content: words.text });
    this.delivering = this.deliver(reply, endOfSpeech);
    await this.delivering;
    this.armSilence();
  }

  /**
   * The caller's words before a pause: from the live recogniser once it says they stopped
   * (or once the silence rule passes), else transcribed on their own.
   */
  private async wordsBefore(
    attempt: PauseAttempt,
    sampleRate: number,
    endOfSpeech: number,
  ): Promise<PauseWords> {
    const live = this.live;
    if (live?.hearing) {
      const ended = await live.endOfSpeech(endOfSpeech, attempt.silence);
      if (live.hearing || ended) {
        const text = live.text();
        this.emit({ type: 'transcript', text, sttMs: performance.now() - endOfSpeech });
        return { text, ended, sttRequests: 0 };
      }
    }
    const text = await this.transcribe(attempt.audio, sampleRate, endOfSpeech);
    return { text, ended: false, sttRequests: 1 };
  }

  /**
   * When the turn is over: at once when a live recogniser heard the caller stop after words
   * that read complete (`transcript`); after `completeTurnEndMs` of silence when they read
   * complete; else after `turnEndMs`. Undefined when the caller went on first.
   */
  private async confirmation(
    attempt: PauseAttempt,
    words: PauseWords,
  ): Promise<TurnConfirmation | undefined> {
    const complete = this.setup.turnComplete(words.text ?? '');
    if (complete && words.ended) return 'transcript';
    return (complete ? attempt.shortSilence : attempt.silence).then(
      () => (complete ? 'complete' : 'silence'),
      () => undefined,
    );
  }

  /** A pause with no words in it (noise): once the silence rule passes, forgotten. */
  private async nothingSaid(attempt: PauseAttempt): Promise<void> {
    try {
      await attempt.silence;
    } catch {
      return; // the caller went on: their words wait for the next pause
    }
    this.listening.confirmed();
    this.armSilence();
  }

  /** Work started on a pause the caller spoke after: stopped, and reported. */
  private wasted(reply: StartedReply | undefined, sttRequests: number): void {
    reply?.abort.abort();
    this.emit({
      type: 'early-start-dropped',
      sttRequests,
      modelRequests: reply ? 1 : 0,
      modelTextChars: reply?.textChars ?? 0,
    });
  }

  /** Listens for the caller's turns until the call ends or `stop`. */
  listen(): void {
    const { stt } = this.setup.options;
    if (stt.streaming)
      this.live = new LiveTranscript(stt, this.call.audio(), this.setup.language, (error) => {
        this.emit({ type: 'error', stage: 'stt', error });
        this.logger.warn({ err: error }, 'the live recogniser failed: each turn is transcribed');
      });
    this.turns = this.call
      .audio()
      .pipe(
        tap((frame) => this.listening.heard((frame.samples.length * 1000) / frame.sampleRate)),
        detectTurns({
          openVad: this.setup.options.openVad,
          endSilenceMs: this.listening.earlyMs,
          trace: this.call.trace,
          suspectMs: 0, // a suspicion from the first voiced frame
          onset: this.setup.pauseOnSuspicion, // or sooner, from an energy onset
        }),
      )
      .subscribe((turn) => {
        const pauses = this.setup.pauseOnSuspicion;
        if (turn.type === 'speech-suspected') return void (pauses && this.call.pauseSpeech());
        if (turn.type === 'suspicion-cleared') return void (pauses && this.call.resumeSpeech());
        if (turn.type === 'speech-start') return this.bargeIn();
        this.onPause(turn).catch((error: unknown) =>
          this.logger.warn({ err: error }, 'the caller’s turn could not be answered'),
        );
      });
  }

  /** Stops listening, the silence timer and the reply on the line. */
  stop(): void {
    clearTimeout(this.silence);
    this.listening.stop();
    this.turns?.unsubscribe();
    this.live?.stop();
    this.replying?.abort();
  }
}
