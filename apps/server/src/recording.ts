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

async function recordCall(
  call: Call,
  { dir, maxBytes, onFinished }: RecordingOptions,
  logger: Logger,
): Promise<'written' | 'capped' | 'failed'> {
  const line = new EmulatedLine({ decode: 'stream' });
  const caller = new PcmFifo(); // the remote party's audio not yet on disk
  let callerSamples = 0; // the call's clock
  let written = 0; // stereo frames on disk
  let playing = Promise.resolve();
  let writing = Promise.resolve();
  // Once capped or failed, nothing more is kept or decoded for this call.
  let outcome: 'written' | 'capped' | 'failed' = 'written';

  // The "caller" track is the remote party: side B on an outbound call.
  call.audio().subscribe((frame) => {
    if (outcome !== 'written') return;
    caller.push(frame.samples);
    callerSamples = frame.startSample + frame.samples.length;
  });
  call.actionsSent$.subscribe(({ action }) => {
    if (outcome !== 'written') return;
    const at = callerSamples;
    playing = playing
      // Audio PSR could not play is recorded as the silence the caller heard.
      .then(async () => void (await playAction(line, action, at)))
      .catch((error: unknown) =>
        logger.warn({ err: error, call_id: call.id }, 'recording skipped an action'),
      );
  });

  // Listen first (the bot may speak at once), then open the file.
  const file = await createRecordingFile(dir, recordingName(call.tenant, call.id));
  const maxFrames = Math.floor((maxBytes - WAV_HEADER_BYTES) / 4);
  const log = logger.child({ call_id: call.id, tenant: call.tenant, file: file.partPath });

  /** Appends what both sides have up to `end` (stereo frames) and rewrites the header. */
  const flush = (upTo: number) => {
    writing = writing
      .then(async () => {
        if (outcome === 'failed') return;
        const end = Math.min(upTo, maxFrames);
        if (upTo > maxFrames && outcome === 'written') {
          outcome = 'capped';
          log.warn(
            { max_bytes: maxBytes },
            'recording cap reached: the rest of the call is not recorded',
          );
        }
        if (end <= written) return;
        const left = caller.take(end - written); // shorter when the caller is behind: silence
        const right = line.read(written, end - written);
        const stereo = interleaveStereo(left, right, end - written);
        const at = WAV_HEADER_BYTES + written * 4;
        // A file-size limit or a full disk can cut a write short without an error: the
        // header then counts only the whole frames that are on disk.
        const { bytesWritten } = await file.handle.write(
          new Uint8Array(stereo.buffer),
          0,
          stereo.byteLength,
          at,
        );
        written += Math.floor(bytesWritten / 4);
        await file.handle.write(
          encodeWavHeader(PSR_SAMPLE_RATE, 2, written * 4),
          0,
          WAV_HEADER_BYTES,
          0,
        );
        if (bytesWritten < stereo.byteLength)
          throw new Error(
            `short write: ${bytesWritten} of ${stereo.byteLength} bytes (a full disk or a file-size limit)`,
          );
      })
      .catch((error: unknown) => {
        // A full disk or a file too large: this call's recording stops; what is on disk stays valid.
        outcome = 'failed';
        clearInterval(timer);
        log.error(
          { err: error, kept_ms: Math.round(written / 8) },
          'recording stopped: write failed',
        );
      });
    return writing;
  };
  // Bot audio for a moment is known once its actions are in: write a second behind the caller.
  const timer = setInterval(() => void flush(Math.max(0, callerSamples - PSR_SAMPLE_RATE)), 1000);

  await call.closed;
  clearInterval(timer);
  await playing;
  await flush(
    Math.max(callerSamples, Math.min(line.endSample, callerSamples + 60 * PSR_SAMPLE_RATE)),
  );
  line.close();
  await file.handle.close();
  const finished = await finishRecordingFile(dir, file);
  onFinished?.(call, finished);
  return outcome;
}
