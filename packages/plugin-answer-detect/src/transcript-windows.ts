import type { AudioFrame, SpeechToText, Transcript } from '@psrkit/pipeline';
import { concat, from, Subject, type Subscription } from 'rxjs';
import type { FrameObservation } from './analyse-frames.js';
import { AnswerDetectError } from './errors.js';
import type { SpeechTrack } from './speech-track.js';
import type { TranscriptScope } from './transcript-decision.js';

/** A transcript of the answer so far (windows are cumulative: each starts at the first word). */
export interface WindowTranscript {
  /** What the engine heard from the first word to the window's end. */
  readonly text: string;
  /** Where the window stops (for an interim transcript: not yet known, both `false`). */
  readonly scope: TranscriptScope;
  /** An interim transcript of a streaming engine (the window is still open). */
  readonly interim: boolean;
}

/** Where {@link TranscriptWindows} reports. */
export interface TranscriptSink {
  /** A window's transcript (never an older window's after a newer one's final). */
  transcript(result: WindowTranscript): void;
  /** The engine failed (or cannot take the audio's rate); every request is cancelled. */
  failed(error: unknown): void;
}

/** Options of {@link TranscriptWindows}. */
export interface TranscriptWindowOptions {
  /** The engine. */
  readonly stt: SpeechToText;
  /** Passed to `transcribe`. */
  readonly language: string | undefined;
  /** Window lengths from the first word (less the pre-roll) at which an open window is sent, ms. */
  readonly checkpointsMs: readonly number[];
  /** Audio kept before the first word, ms. */
  readonly preRollMs: number;
  /** Silence that ends an utterance (and sends its window), ms. */
  readonly utteranceEndMs: number;
}

interface Window {
  readonly index: number;
  readonly live: Subject<AudioFrame>;
  /** The checkpoint that sends it, ms from the origin. */
  readonly checkpointMs: number;
  readonly finals: string[];
  scope: TranscriptScope | undefined;
  request: Subscription | undefined;
  settled: boolean;
}

const PENDING: TranscriptScope = { utteranceEnded: false, last: false };

/**
 * Sends the answer's speech to a speech-to-text engine in cumulative windows: one opens at
 * the first word (with `preRollMs` before it) and is sent when the utterance ends or at its
 * checkpoint; speech after that opens the next, from the first word again, so each
 * transcript holds the whole greeting so far. Frames reach the engine as they come (a
 * streaming engine hears them live). No window opens after the last checkpoint. `close()`
 * cancels every request.
 */
export class TranscriptWindows {
  private readonly before: FrameObservation[] = [];
  private readonly heard: AudioFrame[] = [];
  private readonly windows = new Map<number, Window>();
  private open: Window | undefined;
  private count = 0;
  private newestFinal = -1;
  private originMs: number | undefined;
  private sentAtWordEndMs = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly options: TranscriptWindowOptions,
    private readonly sink: TranscriptSink,
  ) {}

  /** True when no window is open or awaited (one may open on more speech). */
  get idle(): boolean {
    return this.open === undefined && !this.pending;
  }

  /** True while a window's transcript is awaited. */
  get pending(): boolean {
    return [...this.windows.values()].some((w) => !w.settled);
  }

  /** Adds a frame with the speech track after it. */
  push(frame: FrameObservation, track: SpeechTrack): void {
    if (this.stopped) return;
    if (this.originMs === undefined) {
      this.before.push(frame);
      if (track.firstWordMs === undefined) {
        const keepFromMs = frame.endMs - this.options.preRollMs - 1000; // a word's start is found later
        while (this.before[0]!.endMs <= keepFromMs) this.before.shift();
        return;
      }
      const originMs = track.firstWordMs - this.options.preRollMs;
      this.originMs = originMs;
      for (const kept of this.before.splice(0)) if (kept.endMs > originMs) this.hear(kept);
    } else this.hear(frame);
    this.step(track);
  }

  /** The audio ended: the open window is sent as the last; no other opens. */
  end(): void {
    if (this.open) this.send({ utteranceEnded: true, last: true });
    this.stopped = true;
  }

  /** Cancels every request; nothing more is reported. */
  close(): void {
    this.stopped = true;
    this.open = undefined;
    for (const window of this.windows.values()) {
      window.settled = true;
      window.request?.unsubscribe();
    }
  }

  private step(track: SpeechTrack): void {
    const lengthMs = track.nowMs - this.originMs!;
    const lastWordEndMs = track.lastWordEndMs!;
    if (!this.open) {
      if (lastWordEndMs > this.sentAtWordEndMs) this.start(lengthMs);
      return;
    }
    if (track.nowMs - lastWordEndMs >= this.options.utteranceEndMs) {
      this.sentAtWordEndMs = lastWordEndMs;
      const last = this.options.checkpointsMs.every((ms) => ms <= lengthMs); // none opens after
      this.send({ utteranceEnded: true, last });
      if (last) this.stopped = true;
    } else if (lengthMs >= this.open.checkpointMs) {
      const last = this.open.checkpointMs === this.options.checkpointsMs.at(-1);
      this.send({ utteranceEnded: false, last });
      if (last) this.stopped = true;
      else this.start(lengthMs);
    }
  }

  private start(lengthMs: number): void {
    const checkpointMs = this.options.checkpointsMs.find((ms) => ms > lengthMs);
    if (checkpointMs === undefined) {
      this.stopped = true;
      return;
    }
    const { stt, language } = this.options;
    const rate = this.heard[0]!.sampleRate;
    if (!stt.sampleRates.includes(rate)) {
      this.stopped = true;
      const rates = stt.sampleRates.join(', ');
      this.sink.failed(
        new AnswerDetectError('INVALID_AUDIO', `${stt.name} takes ${rates} Hz audio, not ${rate}`),
      );
      return;
    }
    const window: Window = {
      index: this.count++,
      live: new Subject<AudioFrame>(),
      checkpointMs,
      finals: [],
      scope: undefined,
      request: undefined,
      settled: false,
    };
    this.windows.set(window.index, window);
    this.open = window;
    const audio = concat(from(this.heard.slice()), window.live);
    window.request = stt.transcribe(audio, language === undefined ? {} : { language }).subscribe({
      next: (t: Transcript) => {
        if (t.type === 'final') window.finals.push(t.text);
        else this.report(window, [...window.finals, t.text].join(' '), true);
      },
      error: (error: unknown) => {
        if (window.settled) return;
        this.close();
        this.sink.failed(error);
      },
      complete: () => {
        if (window.settled) return;
        window.settled = true;
        this.report(window, window.finals.join(' '), false);
      },
    });
  }

  private send(scope: TranscriptScope): void {
    const window = this.open!;
    this.open = undefined;
    window.scope = scope;
    window.live.complete();
  }

  private report(window: Window, text: string, interim: boolean): void {
    if (window.index < this.newestFinal) return; // a newer window answered: it holds more
    if (!interim) this.newestFinal = window.index;
    const clean = text.replace(/\s+/g, ' ').trim();
    this.sink.transcript({
      text: clean,
      scope: interim ? PENDING : (window.scope ?? PENDING),
      interim,
    });
  }

  private hear(frame: FrameObservation): void {
    const size = frame.sampleRate / 50;
    for (let at = 0; at < frame.samples.length; at += size) {
      const piece: AudioFrame = {
        samples: frame.samples.subarray(at, at + size),
        sampleRate: frame.sampleRate,
        channel: frame.channel,
        startSample: frame.startSample + at,
      };
      this.heard.push(piece);
      this.open?.live.next(piece);
    }
  }
}
