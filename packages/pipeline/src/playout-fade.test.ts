import type { PsrAction } from '@psrkit/protocol';
import { MPEGDecoder } from 'mpg123-decoder';
import { of, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { lameJsBackend, type Mp3EncoderBackendFactory } from './mp3-encoder.js';
import { createPlayoutScheduler } from './playout-scheduler.js';
import { tone } from './test-signals.js';

/** The MP3 of every `chunk` action, decoded by a real decoder (mono, −1…1). */
async function decodeChunks(sent: readonly PsrAction[]): Promise<Float32Array> {
  const bytes = Buffer.concat(sent.map((a) => (a.type === 'chunk' ? a.payload : new Uint8Array())));
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    return decoder.decode(bytes).channelData[0]!;
  } finally {
    decoder.free();
  }
}

describe('an interrupted MP3 stream, decoded by a real decoder', () => {
  it('ends on a fade, not a click', async () => {
    const scheduler = new TestScheduler(() => undefined);
    const sent: PsrAction[] = [];
    scheduler.run(() => {
      const line = createPlayoutScheduler({ scheduler, leadMs: 200 });
      line.actions$.subscribe((action) => sent.push(action));
      const voice = new Subject<Int16Array>();
      line.stream(voice, { sampleRate: 8000 });
      voice.next(tone(8000, 200, 3, 20000)); // loud and steady: any cut would click
      scheduler.schedule(() => line.interrupt(), 700);
      scheduler.schedule(() => line.close(), 2000);
    });
    const pcm = await decodeChunks(sent);
    // Where the audio ends, its envelope (5 ms blocks) must fall smoothly to near silence
    // over the fade, instead of stopping at full level (a click).
    let end = pcm.length;
    while (end > 0 && Math.abs(pcm[end - 1]!) < 1e-3) end--;
    const rms = (from: number, to: number) =>
      Math.sqrt(pcm.slice(from, to).reduce((s, v) => s + v * v, 0) / (to - from));
    const steady = rms(4000, 6000);
    expect(steady).toBeGreaterThan(0.3);
    const envelope = Array.from({ length: 4 }, (_, i) =>
      rms(end - 160 + i * 40, end - 120 + i * 40),
    );
    for (let i = 1; i < envelope.length; i++) expect(envelope[i]!).toBeLessThan(envelope[i - 1]!);
    expect(envelope[3]!).toBeLessThan(steady * 0.1);
  });

  it('streams queued back to back go on in one MP3 stream: one encoder, no silence at the seams', async () => {
    const scheduler = new TestScheduler(() => undefined);
    const sent: PsrAction[] = [];
    let encoders = 0;
    const counting: Mp3EncoderBackendFactory = (options) => {
      encoders++;
      return lameJsBackend(options);
    };
    scheduler.run(() => {
      const line = createPlayoutScheduler({ scheduler, leadMs: 400, mp3Backend: counting });
      line.actions$.subscribe((action) => sent.push(action));
      // Sentence by sentence, each given at once as a TTS does (1.01 s: not whole frames).
      for (const hz of [200, 300, 250])
        line.stream(of(tone(8000, hz, 1.01, 20000)), { sampleRate: 8000 });
      scheduler.schedule(() => line.close(), 5000);
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
