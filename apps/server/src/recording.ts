import { EmulatedLine, playAction } from '@psrkit/line';
import { PcmFifo } from '@psrkit/pipeline';
import { encodeWavHeader, interleaveStereo, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import type { Call, PsrServer } from '@psrkit/transport';
import type { Logger } from 'pino';
import {
  createRecordingFile,
  finishRecordingFile,
  recordingName,
  WAV_HEADER_BYTES,
} from './recording-files.js';

/** What a server records, and how much of one call at most. */
export interface RecordingOptions {
  readonly dir: string;
  /** Largest recording of one call, bytes (header included); the rest is not written. */
  readonly maxBytes: number;
  /** Counts each call's outcome: `written`, `capped` (over `maxBytes`), `failed` (a write error). */
  readonly onOutcome?: (outcome: 'written' | 'capped' | 'failed') => void;
  /** A call's recording is on disk under its final name. */
  readonly onFinished?: (call: Call, file: string) => void;
}

/**
 * Records every call as `<dir>/<tenant>__<call_id>.wav` (see `recordingName`): stereo
 * 16-bit 8 kHz, the remote party on the left, what the bot played on the right, aligned
 * on the caller's audio clock. Written crash-safely: appended to a `.part` file created
 * exclusively (a reconnecting call gets a file of its own), its header rewritten after
 * each write (so the file is a valid WAV up to the last second), renamed when the call
 * ends without replacing anything. A write error (a full disk) or the size cap stops that
 * call's recording, keeps what was written, and is logged and counted: the call, and
 * every other, goes on. Run `recoverRecordings` on the folder once before starting.
 * `settled()` resolves once every recording of a call that has ended is on disk under its
 * final name: await it on shutdown, after the calls ended.
 */
export function recordCalls(
  server: PsrServer,
  options: RecordingOptions,
  logger: Logger,
): { settled(): Promise<void> } {
  const inFlight = new Set<Promise<void>>();
  server.on('call-open', (call) => {
    const recording = recordCall(call, options, logger).then(
      (outcome) => options.onOutcome?.(outcome),
      (error: unknown) => {
        options.onOutcome?.('failed');
        logger.error({ err: error, call_id: call.id, tenant: call.tenant }, 'recording failed');
      },
    );
    inFlight.add(recording);
    void recording.finally(() => inFlight.delete(recording));
  });
  return { settled: async () => void (await Promise.all(inFlight)) };
}

type RecordingOutcome = 'written' | 'capped' | 'failed';
type RecordingFile = Awaited<ReturnType<typeof createRecordingFile>>;

/**
 * One call's recording: both sides' audio as they come, written a second behind the
 * caller. `outcome` is where it stands: once capped or failed, nothing more is kept.
 */
class CallRecording {
  private readonly line = new EmulatedLine({ decode: 'stream' });
  /** The remote party's audio not yet on disk. */
  private readonly caller = new PcmFifo();
  /** The call's clock: caller samples heard. */
  callerSamples = 0;
  /** Stereo frames on disk. */
  private written = 0;
  private playing = Promise.resolve();
  private writing = Promise.resolve();
  outcome: RecordingOutcome = 'written';

  constructor(call: Call, logger: Logger) {
    // The "caller" track is the remote party: side B on an outbound call.
    call.audio().subscribe((frame) => {
      if (this.outcome !== 'written') return;
      this.caller.push(frame.samples);
      this.callerSamples = frame.startSample + frame.samples.length;
    });
    call.actionsSent$.subscribe(({ action }) => {
      if (this.outcome !== 'written') return;
      const at = this.callerSamples;
      this.playing = this.playing
        // Audio PSR could not play is recorded as the silence the caller heard.
        .then(async () => void (await playAction(this.line, action, at)))
        .catch((error: unknown) =>
          logger.warn({ err: error, call_id: call.id }, 'recording skipped an action'),
        );
    });
  }

  /** Appends what both sides have up to `upTo` (stereo frames), within `maxBytes` in all. */
  flush(file: RecordingFile, upTo: number, maxBytes: number, log: Logger): Promise<void> {
    const maxFrames = Math.floor((maxBytes - WAV_HEADER_BYTES) / 4);
    this.writing = this.writing
      .then(async () => {
        if (this.outcome === 'failed') return;
        if (upTo > maxFrames && this.outcome === 'written') {
          this.outcome = 'capped';
          log.warn(
            { max_bytes: maxBytes },
            'recording cap reached: the rest of the call is not recorded',
          );
        }
        await this.append(file, Math.min(upTo, maxFrames));
      })
      .catch((error: unknown) => {
        // A full disk or a file too large: this call's recording stops; what is on disk stays valid.
        this.outcome = 'failed';
        log.error(
          { err: error, kept_ms: Math.round(this.written / 8) },
          'recording stopped: write failed',
        );
      });
    return this.writing;
  }

  /** Writes the frames up to `end` and rewrites the header. */
  private async append(file: RecordingFile, end: number): Promise<void> {
    if (end <= this.written) return;
    const count = end - this.written;
    const left = this.caller.take(count); // shorter when the caller is behind: silence
    const right = this.line.read(this.written, count);
    const stereo = interleaveStereo(left, right, count);
    // A file-size limit or a full disk can cut a write short without an error: the
    // header then counts only the whole frames that are on disk.
    const { bytesWritten } = await file.handle.write(
      new Uint8Array(stereo.buffer),
      0,
      stereo.byteLength,
      WAV_HEADER_BYTES + this.written * 4,
    );
    this.written += Math.floor(bytesWritten / 4);
    const header = encodeWavHeader(PSR_SAMPLE_RATE, 2, this.written * 4);
    await file.handle.write(header, 0, WAV_HEADER_BYTES, 0);
    if (bytesWritten < stereo.byteLength)
      throw new Error(
        `short write: ${bytesWritten} of ${stereo.byteLength} bytes (a full disk or a file-size limit)`,
      );
  }

  /** The call ended: what the bot played to the end (a minute past the caller at most). */
  async end(): Promise<number> {
    await this.playing;
    const { callerSamples } = this;
    const last = Math.max(
      callerSamples,
      Math.min(this.line.endSample, callerSamples + 60 * PSR_SAMPLE_RATE),
    );
    return last;
  }

  close(): void {
    this.line.close();
  }
}

async function recordCall(
  call: Call,
  { dir, maxBytes, onFinished }: RecordingOptions,
  logger: Logger,
): Promise<RecordingOutcome> {
  // Listen first (the bot may speak at once), then open the file.
  const recording = new CallRecording(call, logger);
  const file = await createRecordingFile(dir, recordingName(call.tenant, call.id));
  const log = logger.child({ call_id: call.id, tenant: call.tenant, file: file.partPath });
  const flush = async (upTo: number) => {
    await recording.flush(file, upTo, maxBytes, log);
    if (recording.outcome === 'failed') clearInterval(timer);
  };
  // Bot audio for a moment is known once its actions are in: write a second behind the caller.
  const timer = setInterval(
    () => void flush(Math.max(0, recording.callerSamples - PSR_SAMPLE_RATE)),
    1000,
  );
  await call.closed;
  clearInterval(timer);
  await flush(await recording.end());
  recording.close();
  await file.handle.close();
  const finished = await finishRecordingFile(dir, file);
  onFinished?.(call, finished);
  return recording.outcome;
}
