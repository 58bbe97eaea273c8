import type {
  AudioFrame,
  CallSide,
  PlaybackEvent,
  PlaybackHandle,
  PlayMode,
  PlayoutLineOptions,
  SharedTimerScheduler,
  StageFailure,
  WorkQueue,
} from '@psrkit/pipeline';
import type {
  ChunkFormat,
  ConnectionQuery,
  PcmAudio,
  PsrAction,
  PsrChannel,
} from '@psrkit/protocol';
import type { Observable, SchedulerLike } from 'rxjs';
import type { CallStages } from './call-stages.js';
import type { CallStats } from './call-stats.js';
import type { CallTrace } from './call-trace.js';
import type { CallerAudioOptions } from './caller-audio.js';
import type { PsrConnection } from './connection.js';
import type { TransportError } from './errors.js';
import type { TransportLogger } from './logger.js';

/** Why a call ended. */
export type CallEndReason =
  /** PSR sent `closed`. */
  | 'psr-closed'
  /** The socket closed without a `closed` event. */
  | 'socket-closed'
  /** After our `hangup` / `transfer` action. */
  | 'hangup'
  | 'transfer'
  /** The peer stopped answering pings. */
  | 'heartbeat-timeout'
  /** A new connection with the same `call_id` took over. */
  | 'replaced'
  /** The server shut down before the call ended. */
  | 'shutdown'
  /** A frame over the size limit (close code 1009). */
  | 'payload-too-large'
  /** The peer stopped reading and our unsent data passed `maxBufferedBytes` (close 1008). */
  | 'send-buffer-full';

/** How a call ended; `closed` resolves with it once. */
export interface CallEnd {
  /** Why it ended. */
  readonly reason: CallEndReason;
  /** WebSocket close code. */
  readonly code: number;
  /** The close reason sent or received, or the reason's name. */
  readonly detail: string;
  /** The bot's failure, when the call ended because of one. */
  readonly error?: Error;
  /** From the connection's start to its end. */
  readonly durationMs: number;
}

/** Everything a call reports, noun-then-verb. */
export type CallEvent =
  | {
      readonly type: 'call-connected';
      readonly timestamp: number;
      readonly channel: PsrChannel;
    }
  | ({ readonly type: 'call-closed' } & CallEnd)
  | { readonly type: 'unknown-event'; readonly event: string; readonly raw: object }
  /** Fields the contract does not define, reported once per event name and path. */
  | { readonly type: 'fields-ignored'; readonly event: string; readonly fields: readonly string[] }
  | {
      readonly type: 'frame-error';
      readonly error: TransportError;
      /** The frame's first 120 characters (bytes shown as hex for binary frames). */
      readonly excerpt: string;
      readonly bytes: number;
    }
  /** The send buffer passed its watermark; playout waits. Once per episode. */
  | { readonly type: 'backpressure-start'; readonly bufferedAmount: number }
  | { readonly type: 'bot-failed'; readonly error: Error }
  /**
   * The bot recorded result fields ({@link Call.setResult}): the fields just set, as
   * stored (strings, cut to length). Lets a server count or show them as they come.
   */
  | { readonly type: 'result-set'; readonly fields: Readonly<Record<string, string>> }
  /**
   * A stage failed: inbound, that side is heard without stages for the rest of the call;
   * outbound, the file or stream it was on ended (its `playback-interrupted` came first).
   */
  | {
      readonly type: 'stage-failed';
      readonly chain: 'inbound' | 'outbound';
      readonly error: StageFailure;
    }
  | PlaybackEvent;

/** What {@link Call.audio} takes: a side (default `remote`) and a rate. */
export interface CallAudioOptions extends Omit<CallerAudioOptions, 'channel'> {
  /** `remote` (default): the person the bot talks to; or a side; or `both`. */
  readonly channel?: CallSide | 'remote' | 'both';
}

/** What a send did: sent, or not because the call is ending or gone. */
export type SendResult =
  | { readonly sent: true }
  | { readonly sent: false; readonly error: TransportError };

/** What to do when a bot throws or rejects. */
export type BotErrorPolicy =
  | { readonly action: 'hangup' }
  | { readonly action: 'transfer'; readonly extension: string };

/** Per-call settings (the server's `call` option). */
export interface CallOptions {
  /** Playout settings: lead, chunk format, bitrate, frames per chunk… (see the pipeline). */
  readonly playout?: Omit<PlayoutLineOptions, 'scheduler' | 'onBlocked'>;
  /** Caller audio frame length, ms (default 20). */
  readonly frameMs?: number;
  /** Which side each stereo channel carries (default `['a', 'b']`). */
  readonly stereoOrder?: readonly [CallSide, CallSide];
  /**
   * Which side of a `stereo` call is the person the bot talks to (default `a`, the
   * calling party: right for inbound calls). A call's `remote_side=a|b` parameter wins;
   * mono calls always listen to the side they carry. See {@link Call.remoteSide}.
   */
  readonly remoteSide?: CallSide;
  /** Send-buffer watermark in bytes above which playout waits (default 64 KiB). */
  readonly sendHighWaterMark?: number;
  /**
   * Unsent bytes at which the call ends (`send-buffer-full`) because the peer stopped
   * reading: `media` files go out whole and are not held back by the watermark, so this
   * is what bounds memory (default 16 MiB).
   */
  readonly maxBufferedBytes?: number;
  /** Largest decoded `media` payload, bytes (default 1 MiB). */
  readonly maxPayloadBytes?: number;
  /**
   * Most audio one `media` frame may carry, ms per side (default 1000; PSR sends 20 ms
   * pieces). A longer one is refused (`MEDIA_TOO_LONG`) before its audio is framed.
   */
  readonly maxMediaFrameMs?: number;
  /**
   * Most caller audio ahead of real time, ms (default 2000): the call's audio may come in
   * bursts, but a peer that sends minutes of audio in seconds has the excess dropped
   * (`AUDIO_AHEAD` frame errors, counted), so it cannot make the bot's work — VAD, speech
   * recognition, recording — run ahead without bound. Raise it for tests that run the
   * emulator faster than real time (`psr-sim --speed`).
   */
  readonly maxAudioAheadMs?: number;
  /** After `hangup`/`transfer`, close the socket ourselves if PSR has not within this (default 5000 ms). */
  readonly endingTimeoutMs?: number;
  /** Default: hang up. */
  readonly onBotError?: BotErrorPolicy;
  /**
   * Audio stages (`AudioStagePlugin`s) the call runs: `inbound` on the caller's audio,
   * per side, before the bot hears it (`audio$`, `audio()`). Each call makes fresh stages.
   */
  readonly stages?: CallStages;
  /** Time source and timers (tests). */
  readonly scheduler?: SchedulerLike;
}

/** An action the call sent, and when (ms since the call was accepted). */
export interface SentAction {
  /** The action, as sent. */
  readonly action: PsrAction;
  /** When it went out, ms since the call was accepted. */
  readonly atMs: number;
}

/** One phone call, as a bot sees it. */
export interface Call {
  /** PSR's `call_id`. */
  readonly id: string;
  /** The tenant the call belongs to (PSR's `tenant` query parameter). */
  readonly tenant: string;
  /** Dynamic query parameters (first value of each), e.g. `danh_xung`. */
  readonly params: Readonly<Record<string, string>>;
  /** Every value of every dynamic parameter. */
  readonly paramValues: Readonly<Record<string, readonly string[]>>;
  /** The audio layout, known from the first `connected` or `media` event. */
  readonly channel: PsrChannel | undefined;
  /** `open`, then `ending` after hangup/transfer, then `closed`. */
  readonly state: 'open' | 'ending' | 'closed';
  /** Everything that happens on the call. Hot; completes when the call ends. */
  readonly events$: Observable<CallEvent>;
  /** Every action as it went onto the socket (recordings, audits). Hot; completes when the call ends. */
  readonly actionsSent$: Observable<SentAction>;
  /** Caller audio, 20 ms frames at 8000 Hz, side `a` and (stereo) `b`. Hot. */
  readonly audio$: Observable<AudioFrame>;
  /**
   * The side that carries the person the bot talks to: the side a mono call carries;
   * for `stereo`, the call's `remote_side` parameter, else the server's `remoteSide`,
   * else `a`. On an outbound (create-stream) call the customer is the called party, B.
   */
  readonly remoteSide: CallSide;
  /**
   * The remote party's audio (default), or `channel: 'a' | 'b' | 'both'`, optionally at
   * another rate (e.g. 16 kHz for ASR).
   */
  audio(options?: CallAudioOptions): Observable<AudioFrame>;
  /** Resolves once when the call ends. */
  readonly closed: Promise<CallEnd>;
  /** Aborted when the call ends: pass it to TTS/LLM requests. */
  readonly signal: AbortSignal;
  /**
   * The call's OpenTelemetry span context and attributes: parent your own spans on it, or
   * pass it to `detectTurns({ trace })` for a span per caller turn. See {@link CallTrace}.
   */
  readonly trace: CallTrace;
  /** This call's running totals: frames, audio, refusals, actions. */
  readonly stats: Readonly<CallStats>;
  /** Plays a file (any WAV, or PCM) as one `media` action. */
  play(audio: Uint8Array | PcmAudio, options?: { mode?: PlayMode; id?: string }): PlaybackHandle;
  /** Streams PCM (mono, any rate) as paced `chunk` actions; stops upstream when interrupted. */
  stream(
    pcm$: Observable<Int16Array>,
    options: { sampleRate: number; mode?: PlayMode; format?: ChunkFormat; id?: string },
  ): PlaybackHandle;
  /** Stops what plays and drops what is queued (barge-in); ends a pause. */
  interrupt(): void;
  /**
   * Holds the bot's speech without dropping anything — e.g. on the VAD's
   * `speech-suspected`, before the caller's turn is confirmed. The stream playing stops
   * sending at a chunk boundary (an MP3 stream on a frame boundary, its encoder kept); the
   * audio already sent (at most the line's `leadMs`, 144 ms by default) still plays, as PSR
   * cannot pause. Queued files and streams do not start. A file (`media`) already sent
   * cannot be paused and plays on.
   *
   * Ends with {@link Call.resumeSpeech} (the same stream goes on with its next chunk: the
   * caller hears all of it, with a gap), or {@link Call.interrupt} / an item with
   * `mode: 'interrupt'` (dropped as today; what comes next plays at once), or when nothing
   * is left to hold. Idempotent; a no-op when nothing plays or the call has ended. No
   * timer ends a pause: whoever pauses resumes (the VAD's `suspicion-cleared` is bounded).
   */
  pauseSpeech(): void;
  /** Ends a pause (see {@link Call.pauseSpeech}): the held stream goes on where it stopped. Idempotent. */
  resumeSpeech(): void;
  /** True between `pauseSpeech()` and `resumeSpeech()` (or an interruption). */
  readonly speechPaused: boolean;
  /**
   * Adds stages to this call, after the server's: `outbound` ones apply to the files and
   * streams the bot starts from now on, `inbound` ones from the next caller frame (the
   * inbound chains start again with every stage).
   * @throws {PipelineError} `PLUGIN_INCOMPATIBLE` for a value that is not a stage plugin
   */
  addStages(stages: CallStages): void;
  /** True while bot audio is playing or queued. */
  readonly speaking: boolean;
  /**
   * The bot's own result fields so far (see {@link Call.setResult}): a campaign stores them
   * with the attempt, the live calls page shows them.
   */
  readonly result: Readonly<Record<string, string>>;
  /**
   * Records what the bot found out on this call, e.g. `call.setResult({ promised_date:
   * '2026-12-12' })`; merged with earlier fields. Names `^[a-z][a-z0-9_]{0,39}$`, at most 32
   * fields, values strings (numbers and booleans are turned into strings) cut to 1000
   * characters.
   * @throws {TransportError} `INVALID_OPTION` (with the field as `path`); nothing is set then
   */
  setResult(fields: Readonly<Record<string, string | number | boolean>>): void;
  /** Stops playout and transfers the call. */
  transfer(extension: string): SendResult;
  /** Stops playout and ends the call. */
  hangup(): SendResult;
}

/** The side of a call its carrier drives. */
export interface CallController {
  /** The call, as its bot sees it. */
  readonly call: Call;
  /** Ends the call (idempotent). */
  end(
    reason: CallEndReason,
    details?: { code?: number; detail?: string; terminate?: boolean },
  ): void;
  /** The bot failed: report it and apply the call's {@link BotErrorPolicy}. */
  fail(error: unknown): void;
}

/** What {@link createCall} needs to run a call on a connection. */
export interface CallInit {
  /** The carrier: a WebSocket to PSR (or a test's stand-in). */
  readonly connection: PsrConnection;
  /** The connection's query: `call_id`, tenant, parameters. */
  readonly query: ConnectionQuery;
  /** Where the call logs (its lines carry `call_id` and `tenant`). */
  readonly logger: TransportLogger;
  /** Per-call settings; every one has a default. */
  readonly options?: CallOptions;
  /** Totals that every change to this call's stats also goes to (the server's). */
  readonly totals?: CallStats;
  /**
   * How to run a piece of this call's work as the call's own (inbound frames, its timers,
   * work prepared ahead): the server marks it, so that a bot's error fails only its call.
   */
  readonly context?: (call: CallController) => <T>(work: () => T) => T;
  /** One timer for every call (the server's); the call's timers run on a view of it, in its context. */
  readonly timers?: SharedTimerScheduler;
  /** A time-sliced work queue shared by every call (the server's): files and chunks are prepared there. */
  readonly work?: WorkQueue;
}
