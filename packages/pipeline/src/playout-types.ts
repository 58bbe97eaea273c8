import type { ChunkFormat, PcmAudio, PsrAction } from '@psrkit/protocol';
import type { Observable, SchedulerLike } from 'rxjs';
import type { Mp3EncoderBackendFactory } from './mp3-encoder.js';
import type { ResamplerQuality } from './resampler.js';
import type { PcmProcessor } from './stage-chain.js';
import type { WorkQueue } from './work-queue.js';

/** `queue`: play after everything before it. `interrupt`: stop everything, play now. */
export type PlayMode = 'queue' | 'interrupt';

/** Why an item stopped before its end. */
export type InterruptReason = 'interrupted' | 'error' | 'closed';

/** Virtual marks: what the server's playout clock says each item is doing. */
export type PlaybackEvent =
  | { readonly type: 'playback-start'; readonly id: string; readonly kind: 'file' | 'stream' }
  | { readonly type: 'playback-progress'; readonly id: string; readonly playedMs: number }
  | { readonly type: 'playback-end'; readonly id: string; readonly playedMs: number }
  | {
      readonly type: 'playback-interrupted';
      readonly id: string;
      /** What the caller had heard when the item was stopped. */
      readonly playedMs: number;
      /** What the caller will have heard in all: `playedMs` plus the audio already sent ahead. */
      readonly heardMs: number;
      readonly reason: InterruptReason;
      readonly error?: Error;
    };

/** The last event of an item: exactly one per item. */
export type PlaybackOutcome = Extract<
  PlaybackEvent,
  { type: 'playback-end' | 'playback-interrupted' }
>;

/** A queued or playing item. */
export interface PlaybackHandle {
  /** The item's id (given, or made by the line). */
  readonly id: string;
  /** This item's events. */
  readonly events$: Observable<PlaybackEvent>;
  /** What the caller has heard of it so far. */
  readonly playedMs: number;
  /** Resolves with its final event. */
  readonly done: Promise<PlaybackOutcome>;
  /** Stops it (and only it). */
  interrupt(): void;
}

/**
 * Where the line's actions go: the transport's socket. `send` says whether the action
 * really went out (only then does the playout clock count its audio); `writable` is
 * false while the socket's buffer is over its watermark, and paced chunks wait.
 */
export interface PlayoutSink {
  /** Sends one action; true when it went out. */
  send(action: PsrAction): boolean;
  /** False while the socket's buffer is over its watermark. */
  writable(): boolean;
}

/**
 * What the line measures on the scheduler's clock, ms.
 * - `first-chunk`: a stream that started on an idle line sent its first chunk:
 *   `sinceFirstPcmMs` from its first PCM piece, `processingMs` from the piece that
 *   completed the chunk (resampling, encoding and the write; the wait for audio excluded).
 * - `interrupt`: a playing stream was cut: `stopMs` to stop it, `staleMs` of audio the
 *   caller still hears after the cut (what was sent ahead, and a PCM fade).
 */
export type PlayoutTiming =
  | {
      readonly type: 'first-chunk';
      readonly id: string;
      readonly sinceFirstPcmMs: number;
      readonly processingMs: number;
    }
  | {
      readonly type: 'interrupt';
      readonly id: string;
      readonly stopMs: number;
      readonly staleMs: number;
    };

/** Options of {@link createPlayoutLine}: the lead, chunking, encoding and timing. */
export interface PlayoutLineOptions {
  /**
   * The most stream audio sent ahead of the caller, ms (default 144: two 72 ms MP3
   * frames): what the caller still hears after an interruption. Each chunk goes out when
   * the line holds the lead less one chunk, so that much is the margin against a stalled
   * process (72 ms for MP3 at the default, 124 ms for 20 ms PCM16 chunks).
   */
  readonly leadMs?: number;
  /** Chunk format for streams (default `mp3`). */
  readonly format?: ChunkFormat;
  /** MP3 bitrate, kbps (default 32). */
  readonly bitrateKbps?: number;
  /** MP3 frames (72 ms each) per chunk (default 1). */
  readonly framesPerChunk?: number;
  /** PCM16 chunk length, ms, a multiple of 20 (default 20). */
  readonly pcmChunkMs?: number;
  /** PCM16 streams: fade at the end of an interrupted stream, ms (default 20). MP3 streams stop on a frame boundary. */
  readonly fadeMs?: number;
  /** How often `playback-progress` is emitted, ms (default 250; 0 for never). */
  readonly progressIntervalMs?: number;
  /** Resampler filter design for audio not at 8 kHz (default `standard`). */
  readonly resamplerQuality?: ResamplerQuality;
  /**
   * Stages on what the bot says (see `stageProcessor`): made fresh for each file and each
   * stream (`undefined`: none for that one), they take its audio at 8 kHz, after resampling and before encoding or
   * packaging. A stage that fails ends that item (`playback-interrupted` with the error).
   */
  readonly outbound?: () => PcmProcessor | undefined;
  /** MP3 engine (default lamejs). */
  readonly mp3Backend?: Mp3EncoderBackendFactory;
  /** The clock and timers (default RxJS's `asyncScheduler`; tests pass a virtual one). */
  readonly scheduler?: SchedulerLike;
  /** Called each time paced chunks wait for the sink to become writable. */
  readonly onBlocked?: () => void;
  /** Lateness of each paced send, ms (see `createPacer`'s `onLag`): feed a histogram. */
  readonly onPacingLag?: (lateMs: number) => void;
  /**
   * A shared, time-sliced work queue (one per server): files are decoded and resampled
   * there in slices of about 2 ms before their `media` goes out, and each stream's next
   * chunk is resampled there right after a send. Without one, files are prepared at once.
   */
  readonly prepareAhead?: WorkQueue;
  /**
   * With `prepareAhead`, MP3-encode each stream's next chunk there too (default false):
   * sends only write. Encoded audio is not sent ahead, so it costs nothing after an
   * interruption.
   */
  readonly encodeAhead?: boolean;
  /** Latency figures of streams as they happen (see {@link PlayoutTiming}): feed histograms. */
  readonly onTiming?: (timing: PlayoutTiming) => void;
}

/** A call's single playout line. */
export interface PlayoutLine {
  /** Every item's events. Hot. */
  readonly events$: Observable<PlaybackEvent>;
  /** Plays a file (any WAV, or PCM at any rate) as one `media` action. */
  play(
    audio: Uint8Array | PcmAudio,
    options?: { readonly mode?: PlayMode; readonly id?: string },
  ): PlaybackHandle;
  /**
   * Streams PCM pieces (mono, `sampleRate`) as paced `chunk` actions. Unsubscribed at once
   * when interrupted, so upstream work (TTS) stops. Pieces are read as chunks need them,
   * so a source must not reuse an array it has emitted.
   */
  stream(
    pcm$: Observable<Int16Array>,
    options: {
      readonly sampleRate: number;
      readonly mode?: PlayMode;
      readonly format?: ChunkFormat;
      readonly id?: string;
    },
  ): PlaybackHandle;
  /** Stops the playing item and drops the queued ones; ends a pause (see {@link PlayoutLine.pause}). */
  interrupt(): void;
  /**
   * Holds the bot's speech without discarding anything — for a caller who may be starting
   * to speak. The stream on the line stops sending at a chunk boundary (an MP3 stream on
   * a frame boundary, its encoder kept); the audio already sent (at most `leadMs`) still
   * plays, since PSR cannot pause. Queued items do not start. A file already sent (one
   * `media` action) cannot be paused and plays on; a file queued waits.
   *
   * Ends with {@link PlayoutLine.resume} (the same stream goes on with its next chunk,
   * after a gap of silence as long as the pause less what was in flight; nothing is sent
   * to "catch up"), or with {@link PlayoutLine.interrupt} or an item played with
   * `mode: 'interrupt'` (everything held is dropped, the new item plays at once), or
   * when the line runs out of items (a file that was playing ended). Idempotent; a no-op
   * on an idle or closed line. No timer ends a pause: whoever pauses resumes.
   */
  pause(): void;
  /** Ends a pause: the held stream goes on where it stopped, queued items start. Idempotent. */
  resume(): void;
  /** True between `pause()` and `resume()` (or an interruption). */
  readonly paused: boolean;
  /**
   * True while an item is playing or queued; false by the time the last item's
   * `playback-end` or `playback-interrupted` is delivered.
   */
  readonly busy: boolean;
  /**
   * Ends every item and completes `events$`; nothing more is sent. Items end with
   * `reason: 'closed'`, or `'error'` carrying `error` when one is given (a failed bot).
   */
  close(error?: Error): void;
}
