import { type FileHandle, mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWavHeader, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { EmulatedLine, inspectMp3, inspectWav, toMono8k } from '@psrkit/simulator';
import type { Call, PsrServer } from '@psrkit/transport';
import type { Logger } from 'pino';

const HEADER = 44;
const PART = '.wav.part';

/**
 * Records every call as `<dir>/<call_id>.wav`: stereo 16-bit 8 kHz, the caller (side A)
 * on the left, what the bot played on the right, aligned on the caller's audio clock.
 * Written crash-safely: appended to `<call_id>.wav.part`, its header rewritten after each
 * write (so the file is a valid WAV up to the last second), renamed when the call ends;
 * `.part` files left by a crash are repaired and renamed on start.
 */
export async function recordCalls(server: PsrServer, dir: string, logger: Logger): Promise<void> {
  await mkdir(dir, { recursive: true });
  await recoverRecordings(dir, logger);
  server.on('call-open', (call) => {
    recordCall(call, dir, logger).catch((error: unknown) =>
      logger.error({ err: error, call_id: call.id, tenant: call.tenant }, 'recording failed'),
    );
  });
}

async function recordCall(call: Call, dir: string, logger: Logger): Promise<void> {
  const line = new EmulatedLine({ decode: 'stream' });
  const caller: Int16Array[] = [];
  let callerSamples = 0; // the call's clock
  let written = 0; // stereo frames on disk
  let playing = Promise.resolve();
  let writing = Promise.resolve();

  // The "caller" track is the remote party: side B on an outbound call.
  call.audio().subscribe((frame) => {
    caller.push(frame.samples);
    callerSamples = frame.startSample + frame.samples.length;
  });
  call.actionsSent$.subscribe(({ action }) => {
    const at = callerSamples;
    playing = playing
      .then(async () => {
        if (action.type === 'media') {
          const wav = inspectWav(action.payload);
          line.playFile(
            wav.pcm ? toMono8k(wav.pcm, wav.sampleRate, wav.channels) : new Int16Array(0),
            action.isSync,
            at,
          );
        } else if (action.type === 'chunk') {
          const samples =
            action.format === 'pcm16'
              ? action.payload.length >> 1
              : inspectMp3(action.payload).samples;
          await line.playChunk(action.format, action.payload, samples, at);
        } else line.stop(at, action.type);
      })
      .catch((error: unknown) =>
        logger.warn({ err: error, call_id: call.id }, 'recording skipped an action'),
      );
  });

  // Listen first (the bot may speak at once), then open the file.
  const partPath = join(dir, `${safeName(call.id)}${PART}`);
  const file = await open(partPath, 'w');
  await file.write(encodeWavHeader(PSR_SAMPLE_RATE, 2, 0), 0, HEADER, 0);

  /** Appends what both sides have up to `end` (stereo frames) and rewrites the header. */
  const flush = (end: number) => {
    writing = writing.then(async () => {
      if (end <= written) return;
      const left = takeCaller(caller, end - written);
      const right = line.read(written, end - written);
      const stereo = new Int16Array((end - written) * 2);
      for (let i = 0; i < end - written; i++) {
        stereo[2 * i] = left[i] ?? 0;
        stereo[2 * i + 1] = right[i] ?? 0;
      }
      await file.write(new Uint8Array(stereo.buffer), 0, stereo.byteLength, HEADER + written * 4);
      written = end;
      await file.write(encodeWavHeader(PSR_SAMPLE_RATE, 2, written * 4), 0, HEADER, 0);
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
  await file.close();
  await rename(partPath, `${partPath.slice(0, -PART.length)}.wav`);
}

/** Takes `count` samples off the front of the caller's queued pieces (silence if short). */
function takeCaller(pieces: Int16Array[], count: number): Int16Array {
  const out = new Int16Array(count);
  let at = 0;
  while (at < count && pieces.length > 0) {
    const piece = pieces[0]!;
    const n = Math.min(piece.length, count - at);
    out.set(piece.subarray(0, n), at);
    at += n;
    if (n === piece.length) pieces.shift();
    else pieces[0] = piece.subarray(n);
  }
  return out;
}

const safeName = (callId: string) => callId.replace(/[^A-Za-z0-9._-]/g, '_');

/** Repairs recordings a crash left behind: header sizes from the file's length, then renamed. */
export async function recoverRecordings(dir: string, logger: Logger): Promise<string[]> {
  const recovered: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.endsWith(PART)) continue;
    const path = join(dir, name);
    const { size } = await stat(path);
    let file: FileHandle | undefined;
    try {
      file = await open(path, 'r+');
      const dataBytes = Math.max(0, Math.floor((size - HEADER) / 4) * 4);
      await file.write(encodeWavHeader(PSR_SAMPLE_RATE, 2, dataBytes), 0, HEADER, 0);
      await file.truncate(HEADER + dataBytes);
    } finally {
      await file?.close();
    }
    const target = join(dir, `${name.slice(0, -PART.length)}.recovered.wav`);
    await rename(path, target);
    recovered.push(target);
    logger.warn({ file: target }, 'recovered a recording left by a crash');
  }
  return recovered;
}
