import type { FrameObservation } from './analyse-frames.js';
import { arbitrate, type DetectorMode, type Ruling } from './arbitrate.js';
import { type BeepSettings, BeepTracker } from './beep-tracker.js';
import { cadenceDecision } from './cadence-decision.js';
import type { CadenceSettings } from './cadence-options.js';
import type { PhraseReading } from './match-phrases.js';
import { type SpeechTrack, startTrack, trackSpeech } from './speech-track.js';
import { Timeline } from './timeline.js';
import { type TranscriptDecision, transcriptDecision } from './transcript-decision.js';
import {
  type TranscriptWindowOptions,
  TranscriptWindows,
  type WindowTranscript,
} from './transcript-windows.js';
import type { AnswerEvent, AnswerEvidence, AnswerVerdict, Beep, PhraseMatch } from './verdict.js';

/** The transcript detector's part of a session. */
export interface TranscriptConfig extends Omit<TranscriptWindowOptions, 'utteranceEndMs'> {
  /** Reads a transcript with the phrase lists. */
  readonly read: (text: string) => PhraseReading;
  /** A transcript of this many words or more is not a person's greeting. */
  readonly maxHumanWords: number;
}

/** Everything a session runs on, defaults filled in. */
export interface SessionConfig {
  /** Which detectors decide. */
  readonly mode: DetectorMode;
  /** The timing rules (the transcript detector uses them to cut utterances). */
  readonly cadence: CadenceSettings;
  /** What a beep is. */
  readonly beep: BeepSettings;
  /** The transcript detector, for `transcript` and `combined`. */
  readonly transcript: TranscriptConfig | undefined;
  /** After a voicemail verdict: silence that ends the greeting, and how long to wait for its end, ms. */
  readonly greetingEnd: { readonly silenceMs: number; readonly timeoutMs: number };
}

/** Where a session's events go. */
export interface SessionSink {
  /** An event. */
  next(event: AnswerEvent): void;
  /** No more events. */
  complete(): void;
}

interface Transcribed {
  readonly text: string;
  readonly words: number;
  readonly phrase: PhraseMatch | undefined;
  readonly decision: TranscriptDecision | undefined;
}

type State =
  | {
      readonly phase: 'deciding';
      track: SpeechTrack | undefined;
      beep: Beep | undefined;
      transcribed: Transcribed | undefined;
      error: AnswerEvidence['error'];
      ended: boolean;
    }
  | { readonly phase: 'greeting'; readonly verdictAtMs: number; track: SpeechTrack }
  | { readonly phase: 'done' };

type Work =
  | { readonly type: 'transcript'; readonly result: WindowTranscript }
  | { readonly type: 'failed'; readonly error: unknown };

/**
 * One answer being decided: frame observations in, one verdict out (and a greeting's end
 * after a voicemail verdict). Frames feed the speech track, the beep tracker, the timeline
 * and the transcript windows; after each frame and each transcript, {@link arbitrate} rules.
 * Transcripts that arrive while a frame is being handled wait for it to finish.
 */
export class AnswerSession {
  private state: State = {
    phase: 'deciding',
    track: undefined,
    beep: undefined,
    transcribed: undefined,
    error: undefined,
    ended: false,
  };
  private readonly beeps: BeepTracker;
  private readonly timeline = new Timeline();
  private readonly windows: TranscriptWindows | undefined;
  private readonly queue: Work[] = [];
  private busy = false;

  constructor(
    private readonly config: SessionConfig,
    private readonly sink: SessionSink,
  ) {
    this.beeps = new BeepTracker(config.beep);
    const transcript = config.transcript;
    if (transcript && config.mode !== 'cadence')
      this.windows = new TranscriptWindows(
        { ...transcript, utteranceEndMs: config.cadence.afterGreetingSilenceMs },
        {
          transcript: (result) => this.enqueue({ type: 'transcript', result }),
          failed: (error) => this.enqueue({ type: 'failed', error }),
        },
      );
  }

  /** Handles the next frame. */
  frame(frame: FrameObservation): void {
    this.busy = true;
    try {
      const beep = this.beeps.push(frame);
      const state = this.state;
      if (state.phase === 'deciding') this.decidingFrame(state, frame, beep);
      else if (state.phase === 'greeting') this.greetingFrame(state, frame, beep);
      this.drain();
    } finally {
      this.busy = false;
    }
  }

  /** The audio ended. */
  end(): void {
    const state = this.state;
    if (state.phase === 'greeting') {
      this.finish();
      return;
    }
    if (state.phase !== 'deciding') return;
    this.busy = true;
    try {
      const beep = this.beeps.end();
      if (beep && state.track) {
        state.beep ??= beep;
        this.timeline.addBeep(beep);
      }
      state.ended = true;
      this.windows?.end();
      this.drain();
      this.rule();
    } finally {
      this.busy = false;
    }
  }

  /** Cancels the transcripts; nothing more is emitted. */
  dispose(): void {
    this.state = { phase: 'done' };
    this.windows?.close();
  }

  private decidingFrame(
    state: Extract<State, { phase: 'deciding' }>,
    frame: FrameObservation,
    beep: Beep | undefined,
  ): void {
    const track = trackSpeech(state.track ?? startTrack(frame.startMs), frame, this.config.cadence);
    state.track = track;
    this.timeline.push(frame.voice, frame.startMs, frame.endMs);
    if (beep) {
      state.beep ??= beep;
      this.timeline.addBeep(beep);
    }
    if (this.rule()) return;
    this.windows?.push(frame, track);
  }

  private greetingFrame(
    state: Extract<State, { phase: 'greeting' }>,
    frame: FrameObservation,
    beep: Beep | undefined,
  ): void {
    const { greetingEnd, cadence } = this.config;
    state.track = trackSpeech(state.track, frame, cadence);
    const lastVoiceMs = Math.max(state.track.lastWordEndMs ?? 0, state.verdictAtMs);
    if (beep) this.endGreeting({ cause: 'beep', atMs: beep.endMs, beep });
    else if (frame.endMs - lastVoiceMs >= greetingEnd.silenceMs)
      this.endGreeting({ cause: 'silence', atMs: frame.endMs });
    else if (frame.endMs - state.verdictAtMs >= greetingEnd.timeoutMs) this.finish();
  }

  private enqueue(work: Work): void {
    this.queue.push(work);
    if (!this.busy) {
      this.busy = true;
      try {
        this.drain();
      } finally {
        this.busy = false;
      }
    }
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const work = this.queue.shift()!;
      const state = this.state;
      if (state.phase !== 'deciding') continue;
      if (work.type === 'failed') {
        const error = work.error as { code?: unknown; message?: unknown };
        state.error = {
          ...(typeof error?.code === 'string' && { code: error.code }),
          message: typeof error?.message === 'string' ? error.message : String(work.error),
        };
      } else this.read(state, work.result);
      this.rule();
    }
  }

  private read(state: Extract<State, { phase: 'deciding' }>, result: WindowTranscript): void {
    const transcript = this.config.transcript!;
    const reading = transcript.read(result.text);
    const decision = transcriptDecision(reading, result.scope, transcript.maxHumanWords);
    state.transcribed = {
      text: result.text,
      words: reading.words,
      phrase: reading.decision?.phrase ?? state.transcribed?.phrase,
      decision: decision ?? state.transcribed?.decision,
    };
  }

  /** Rules on the findings; true when a verdict was emitted. */
  private rule(): boolean {
    const state = this.state;
    if (state.phase !== 'deciding') return false;
    const track = state.track;
    if (!track) {
      if (!state.ended) return false;
      this.emit(state, { kind: 'unknown', cause: 'no-audio', decidedBy: 'cadence' });
      return true;
    }
    const windows = this.windows;
    const elapsedMs = track.nowMs - track.startMs;
    const ruling = arbitrate(this.config.mode, {
      cadence: cadenceDecision(track, this.config.cadence),
      beep: state.beep,
      toneGoingOn: this.beeps.toneGoingOn,
      transcript: state.transcribed?.decision,
      sttFailed: state.error !== undefined,
      transcriptIdle: windows === undefined || windows.idle,
      timedOut: elapsedMs >= this.config.cadence.totalAnalysisMs,
      ended: state.ended && !windows?.pending,
    });
    if (!ruling) return false;
    this.emit(state, ruling);
    return true;
  }

  private emit(state: Extract<State, { phase: 'deciding' }>, ruling: Ruling): void {
    this.windows?.close();
    const track = state.track;
    const atMs = track?.nowMs ?? 0;
    const t = state.transcribed;
    const evidence: AnswerEvidence = {
      timeline: this.timeline.snapshot(this.config.cadence),
      voicedMs: track?.voicedMs ?? 0,
      words: track?.words ?? 0,
      ...(t && { transcript: t.text, transcriptWords: t.words }),
      ...(t?.phrase && { phrase: t.phrase }),
      ...(state.beep && { beep: state.beep }),
      ...(state.error && { error: state.error }),
    };
    const { decidedBy, cause } = ruling;
    const common = { cause, decidedBy, atMs, tookMs: atMs - (track?.startMs ?? 0), evidence };
    const verdict: AnswerVerdict =
      ruling.kind === 'announcement'
        ? { kind: 'announcement', announcement: ruling.announcement ?? 'other', ...common }
        : { kind: ruling.kind, ...common };
    this.sink.next({ type: 'verdict', verdict });
    if (verdict.kind !== 'voicemail' || !track || state.ended) this.finish();
    else if (state.beep)
      this.endGreeting({ cause: 'beep', atMs: state.beep.endMs, beep: state.beep });
    else this.state = { phase: 'greeting', verdictAtMs: atMs, track: { ...track, nowMs: atMs } };
  }

  private endGreeting(end: { cause: 'beep' | 'silence'; atMs: number; beep?: Beep }): void {
    this.sink.next({ type: 'greeting-end', greetingEnd: end });
    this.finish();
  }

  private finish(): void {
    this.state = { phase: 'done' };
    this.sink.complete();
  }
}
