import { performance } from 'node:perf_hooks';
import type { AudioFrame, SpeechToText } from '@psrkit/pipeline';
import type { Observable, Subscription } from 'rxjs';

/** Where the live recogniser is: hearing the call, or failed (its error, reported once). */
type LivePhase =
  | { readonly name: 'starting' }
  | { readonly name: 'hearing'; readonly subscription: Subscription }
  | { readonly name: 'failed' }
  | { readonly name: 'stopped' };

/**
 * A streaming recogniser (Deepgram) on the caller's side for the whole call: one stream,
 * not a request per pause. It keeps the final transcripts since the caller's last turn,
 * and when the engine said the speaker stopped (`endOfSpeech`, Deepgram's `speech_final`),
 * so that a pause's words are ready the moment it starts and a final that ends a sentence
 * may end the turn before the silence rule. A recogniser that fails is reported once and
 * leaves the agent to transcribe each turn on its own.
 */
export class LiveTranscript {
  private phase: LivePhase = { name: 'starting' };
  private finals: string[] = [];
  /** When (`performance.now()`) the engine last said the speaker stopped. */
  private endedAt = Number.NEGATIVE_INFINITY;
  /** Pauses waiting for the engine's end of speech. */
  private readonly waiting = new Set<() => void>();

  constructor(
    stt: SpeechToText,
    audio: Observable<AudioFrame>,
    language: string,
    private readonly onError: (error: unknown) => void,
  ) {
    const subscription = stt.transcribe(audio, { language }).subscribe({
      next: (transcript) => {
        if (transcript.type !== 'final') return;
        if (transcript.text.trim()) this.finals.push(transcript.text.trim());
        if (transcript.endOfSpeech) this.ended();
      },
      error: (error: unknown) => this.failed(error),
    });
    // A recogniser that failed at once has said so already.
    if (this.phase.name === 'starting') this.phase = { name: 'hearing', subscription };
  }

  /** Whether it still hears the call (else each turn is transcribed on its own). */
  get hearing(): boolean {
    return this.phase.name === 'hearing';
  }

  /** The caller's words since their last turn. */
  text(): string {
    return this.finals.join(' ');
  }

  /**
   * Waits for the engine to say the speaker stopped at or after `since`
   * (`performance.now()`: the end of the caller's voice, as the VAD heard it), or for
   * `giveUp` to settle (the silence rule, or the caller going on). True when the engine did.
   */
  async endOfSpeech(since: number, giveUp: Promise<unknown>): Promise<boolean> {
    if (this.endedAt >= since) return true;
    if (this.phase.name !== 'hearing') return false;
    let wake!: () => void;
    const said = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.waiting.add(wake);
    try {
      await Promise.race([said, giveUp.catch(() => undefined)]);
    } finally {
      this.waiting.delete(wake);
    }
    return this.endedAt >= since;
  }

  /** The caller's turn is over: their words so far were its words. */
  turnTaken(): void {
    this.finals = [];
  }

  /** The call ended: the stream closes. */
  stop(): void {
    if (this.phase.name === 'hearing') this.phase.subscription.unsubscribe();
    if (this.phase.name !== 'failed') this.phase = { name: 'stopped' };
    this.wakeAll();
  }

  private ended(): void {
    this.endedAt = performance.now();
    this.wakeAll();
  }

  private failed(error: unknown): void {
    this.phase = { name: 'failed' };
    this.onError(error);
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const wake of this.waiting) wake();
  }
}
