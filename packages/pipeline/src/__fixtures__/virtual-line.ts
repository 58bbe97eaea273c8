import { encodeWav, type PsrAction } from '@psrkit/protocol';
import { MPEGDecoder } from 'mpg123-decoder';
import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import { splitMp3Frames } from '../mp3-frame-header.js';
import { createPlayoutLine } from '../playout-line.js';
import type { PlaybackEvent, PlayoutLine, PlayoutLineOptions } from '../playout-types.js';
import { tone } from '../test-signals.js';
import { createWorkQueue, type WorkQueue } from '../work-queue.js';

export interface Logged {
  at: number;
  action?: PsrAction;
  event?: PlaybackEvent;
}

/** A 72 ms Layer III frame at 8 kHz: 576 samples (ISO/IEC 13818-3, MPEG-2.5). */
export const FRAME_MS = 72;

/**
 * Runs `script` against a playout line in virtual time, with a sink that takes every
 * action (or refuses them once `refuseFrom` actions were taken); returns what it sent and
 * emitted, each with its virtual time.
 */
export function record(
  options: PlayoutLineOptions | ((scheduler: TestScheduler) => PlayoutLineOptions),
  script: (line: PlayoutLine, scheduler: TestScheduler) => void,
  settings: { untilMs?: number; refuseFrom?: number } = {},
): Logged[] {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  const log: Logged[] = [];
  scheduler.run(() => {
    let taken = 0;
    const line = createPlayoutLine(
      {
        send(action) {
          if (settings.refuseFrom !== undefined && taken >= settings.refuseFrom) return false;
          taken++;
          log.push({ at: scheduler.now(), action });
          return true;
        },
        writable: () => true,
      },
      {
        scheduler,
        progressIntervalMs: 0,
        ...(typeof options === 'function' ? options(scheduler) : options),
      },
    );
    line.events$.subscribe((event) => log.push({ at: scheduler.now(), event }));
    script(line, scheduler);
    scheduler.schedule(() => line.close(), settings.untilMs ?? 20_000);
  });
  return log;
}

/** A work queue on the virtual clock (each slice is a scheduled action). */
export const virtualWorkQueue = (scheduler: TestScheduler): WorkQueue =>
  createWorkQueue({ now: () => scheduler.now(), defer: (slice) => scheduler.schedule(slice) });

export const wav8k = (ms: number): Uint8Array =>
  encodeWav({ sampleRate: 8000, channels: 1, samples: tone(8000, 440, ms / 1000, 8000) });
export const events = (log: Logged[]) =>
  log.filter((l) => l.event).map((l) => ({ at: l.at, ...l.event! }));
export const actions = (log: Logged[]) =>
  log.filter((l) => l.action).map((l) => ({ at: l.at, ...l.action! }));
export const outcomes = (log: Logged[]) =>
  events(log).filter((e) => e.type === 'playback-end' || e.type === 'playback-interrupted');

/** Audio in a `chunk` action, ms: MP3 frames counted from their headers, or PCM16 bytes. */
export const chunkMs = (action: PsrAction): number =>
  action.type !== 'chunk'
    ? 0
    : action.format === 'mp3'
      ? splitMp3Frames(action.payload).frames.length * FRAME_MS
      : action.payload.length / 16;

/** PCM pieces of 20 ms at `rate`, all available at once. */
export const pcmOf = (samples: Int16Array, rate: number): Observable<Int16Array> =>
  new Observable((subscriber) => {
    const piece = rate / 50;
    for (let at = 0; at < samples.length; at += piece)
      subscriber.next(samples.subarray(at, at + piece));
    subscriber.complete();
  });

/** The MP3 of every `chunk` action, decoded by a real decoder (mono, −1…1). */
export async function decodeChunks(sent: readonly PsrAction[]): Promise<Float32Array> {
  const bytes = Buffer.concat(sent.map((a) => (a.type === 'chunk' ? a.payload : new Uint8Array())));
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    return decoder.decode(bytes).channelData[0]!;
  } finally {
    decoder.free();
  }
}
