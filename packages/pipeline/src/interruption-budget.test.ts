// What the caller hears after an interruption, found by decoding what was sent with a
// real MP3 decoder (mpg123): no more than the lead plus one frame.
import type { PsrAction } from '@psrkit/protocol';
import { of, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { decodeChunks, FRAME_MS } from './__fixtures__/virtual-line.js';
import { lameJsBackend, type Mp3EncoderBackendFactory } from './mp3-encoder.js';
import { createPlayoutLine } from './playout-line.js';
import { tone } from './test-signals.js';

/** Runs a line in virtual time; returns its actions. */
function sentBy(
  options: Parameters<typeof createPlayoutLine>[1],
  script: (line: ReturnType<typeof createPlayoutLine>, scheduler: TestScheduler) => void,
): PsrAction[] {
  const scheduler = new TestScheduler(() => undefined);
  const sent: PsrAction[] = [];
  scheduler.run(() => {
    const line = createPlayoutLine(
      { send: (action) => sent.push(action) > 0, writable: () => true },
      { scheduler, ...options },
    );
    script(line, scheduler);
    scheduler.schedule(() => line.close(), 5000);
  });
  return sent;
}

describe('an interrupted MP3 stream, decoded by a real decoder', () => {
  for (const leadMs of [200, 400])
    it(`leaves at most the lead (${leadMs} ms) plus one frame after the cut`, async () => {
      const cutAt = 1000;
      const sent = sentBy({ leadMs }, (line, scheduler) => {
        const voice = new Subject<Int16Array>();
        line.stream(voice, { sampleRate: 8000 });
        voice.next(tone(8000, 200, 4, 20000)); // loud and steady, given at once
        scheduler.schedule(() => line.interrupt(), cutAt);
      });
      const pcm = await decodeChunks(sent);
      // The caller hears the decoded audio from the first chunk on, in real time: all of
      // it past `cutAt` is what the interruption left behind.
      let end = pcm.length;
      while (end > 0 && Math.abs(pcm[end - 1]!) < 1e-3) end--;
      const staleMs = end / 8 - cutAt;
      expect(staleMs).toBeGreaterThan(0);
      expect(staleMs).toBeLessThanOrEqual(leadMs + FRAME_MS);
    });

  it('streams queued back to back go on in one MP3 stream: one encoder, no silence at the seams', async () => {
    let encoders = 0;
    const counting: Mp3EncoderBackendFactory = (options) => {
      encoders++;
      return lameJsBackend(options);
    };
    const sent = sentBy({ mp3Backend: counting }, (line) => {
      // Sentence by sentence, each given at once as a TTS does (1.01 s: not whole frames).
      for (const hz of [200, 300, 250])
        line.stream(of(tone(8000, hz, 1.01, 20000)), { sampleRate: 8000 });
    });
    expect(encoders).toBe(1);
    const pcm = await decodeChunks(sent);
    let start = 0;
    while (Math.abs(pcm[start]!) < 0.1) start++; // past the encoder's delay, once
    // 3 × 1.01 s of tone, with nothing between: every 5 ms block of it is loud.
    const blocks = Math.floor((3 * 1.01 * 8000 - 80) / 40);
    for (let b = 0; b < blocks; b++) {
      const from = start + b * 40;
      const rms = Math.sqrt(pcm.slice(from, from + 40).reduce((s, v) => s + v * v, 0) / 40);
      expect(rms, `block at ${((from - start) / 8).toFixed(0)} ms`).toBeGreaterThan(0.2);
    }
  });
});
