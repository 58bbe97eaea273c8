import { describe, expect, it } from 'vitest';
import { createChunkSource, MP3_FRAME_SAMPLES } from './chunk-source.js';
import { speechLike } from './test-signals.js';

const mp3 = {
  sampleRate: 8000,
  format: 'mp3',
  framesPerChunk: 2,
  pcmChunkSamples: 160,
  bitrateKbps: 32,
} as const;
const pcm16 = { ...mp3, format: 'pcm16' } as const;

describe('createChunkSource', () => {
  it('pcm16: whole chunks while the source goes on, a shorter last one at its end', () => {
    const source = createChunkSource(pcm16);
    source.push(new Int16Array(400));
    expect(source.next()?.durationMs).toBe(20);
    expect(source.next()?.durationMs).toBe(20);
    expect(source.next()).toBeUndefined(); // 80 samples wait for more
    source.end();
    const last = source.next();
    expect(last).toMatchObject({ format: 'pcm16', startMs: 40, durationMs: 10 });
    expect(source.done).toBe(true);
    expect(source.atTail).toBe(false);
  });

  it('mp3: whole chunks of frames; at the source’s end the tail waits for flush, then comes out whole', () => {
    const source = createChunkSource(mp3);
    source.push(speechLike(8000, 0.5)); // 4000 samples: 6 whole frames and a part
    const chunks = [];
    for (let chunk = source.next(); chunk; chunk = source.next()) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(0);
    expect(source.atTail).toBe(false); // the source has not ended
    source.end();
    for (let chunk = source.next(); chunk; chunk = source.next()) chunks.push(chunk);
    expect(source.atTail).toBe(true);
    expect(source.done).toBe(false);
    source.flush();
    for (let chunk = source.next(); chunk; chunk = source.next()) chunks.push(chunk);
    expect(source.done).toBe(true);
    const totalMs = chunks.reduce((sum, chunk) => sum + chunk.durationMs, 0);
    expect(totalMs).toBeGreaterThanOrEqual(500); // the audio and the encoder's delay, whole frames
    expect(totalMs % 72).toBe(0);
  });

  it('mp3: hands its encoder and unencoded tail to the next stream, which goes on from there', () => {
    const first = createChunkSource(mp3);
    const second = createChunkSource(mp3);
    first.push(new Int16Array(MP3_FRAME_SAMPLES * 2 + 100).fill(1000));
    first.end();
    while (first.next()) {}
    expect(second.fresh).toBe(true);
    const continuation = first.handOver();
    expect(continuation?.leftover.length).toBe(100);
    expect(continuation?.lastSample).toBe(1000);
    expect(first.done).toBe(true);
    second.adopt(continuation!);
    second.push(new Int16Array(MP3_FRAME_SAMPLES * 2 - 100));
    expect(second.next()?.durationMs).toBe(144); // the leftover first: two whole frames
    expect(second.fresh).toBe(false);
    second.close();
  });

  it('its methods work detached, as plain functions', () => {
    const { push, end, next } = createChunkSource(pcm16);
    push(new Int16Array(160));
    end();
    expect(next()?.durationMs).toBe(20);
  });
});
