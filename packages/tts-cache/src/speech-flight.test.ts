// What a cancelled synthesis does: a barge-in during the first call's greeting should not
// make every later call miss, yet the engine is not kept busy for nobody forever.
import { createTestTts } from '@psrkit/pipeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { heldTts } from './__fixtures__/held-tts.js';
import { audioOf, collect, tempDir } from './__fixtures__/speech.js';
import { createTtsCache } from './tts-cache.js';

const GREETING = 'Dạ chào chị Lan. Em gọi từ ngân hàng.';
let folder: ReturnType<typeof tempDir>;
beforeEach(() => {
  folder = tempDir();
});
afterEach(() => folder.remove());

/** A cache on a held engine, and a request for the greeting started on it. */
function setUp(finishInBackgroundMs?: number) {
  const engine = createTestTts();
  const held = heldTts(engine);
  const cache = createTtsCache(held, {
    dir: folder.dir,
    maxBytes: 10e6,
    ...(finishInBackgroundMs !== undefined && { finishInBackgroundMs }),
  });
  const heard: number[] = [];
  const subscription = cache
    .speak(GREETING)
    .subscribe((piece) => piece.type === 'audio' && heard.push(piece.samples.length));
  return { engine, held, cache, heard, subscription };
}

describe('a synthesis everyone stopped listening to', () => {
  it('goes on in the background, is stored, and the next calls hit', async () => {
    const { engine, held, cache, heard, subscription } = setUp();
    await expect.poll(() => heard.length).toBeGreaterThan(0);
    subscription.unsubscribe(); // the caller barged in
    expect(held.speaking).toBe(1);
    held.release();
    await expect.poll(() => cache.stats().stores).toBe(1);
    const next = await collect(cache.speak(GREETING));
    expect(audioOf(next).length).toBeGreaterThan(0);
    expect(engine.spoken).toHaveLength(2); // its two sentences, once
    expect(held.cancelled).toBe(0);
    expect(cache.stats()).toMatchObject({ misses: 1, hits: 1 });
  });

  it('is joined by a request that comes during the background time, from the start', async () => {
    const { engine, held, cache, heard, subscription } = setUp();
    await expect.poll(() => engine.spoken.length).toBe(2);
    subscription.unsubscribe();
    const next = collect(cache.speak(GREETING));
    held.release();
    const pieces = await next;
    expect(audioOf(pieces).length).toBe(heard.reduce((sum, n) => sum + n, 0));
    expect(cache.stats()).toMatchObject({ misses: 1, shared: 1 });
    await expect.poll(() => cache.stats().stores).toBe(1);
  });

  it('is cancelled when it does not end within finishInBackgroundMs, and stores nothing', async () => {
    const { held, cache, heard, subscription } = setUp(20);
    await expect.poll(() => heard.length).toBeGreaterThan(0);
    subscription.unsubscribe();
    await expect.poll(() => held.cancelled).toBe(1); // never released
    expect(held.speaking).toBe(0);
    held.release();
    await collect(cache.speak(GREETING));
    expect(cache.stats()).toMatchObject({ misses: 2, hits: 0 });
    await expect.poll(() => cache.stats().stores).toBe(1);
  });

  it('is cancelled at once with finishInBackgroundMs 0', async () => {
    const { held, cache, heard, subscription } = setUp(0);
    await expect.poll(() => heard.length).toBeGreaterThan(0);
    subscription.unsubscribe();
    expect(held.cancelled).toBe(1);
    expect(folder.entries()).toEqual([]);
    expect(cache.stats().stores).toBe(0);
  });

  it('stops at once when it would not be stored (too long for an entry)', async () => {
    const engine = createTestTts();
    const held = heldTts(engine);
    const cache = createTtsCache(held, { dir: folder.dir, maxBytes: 10e6, maxEntryBytes: 1000 });
    const heard: number[] = [];
    const subscription = cache.speak(GREETING).subscribe(() => heard.push(1));
    await expect.poll(() => heard.length).toBeGreaterThan(0);
    subscription.unsubscribe();
    expect(held.cancelled).toBe(1);
    expect(cache.stats().stores).toBe(0);
  });
});

describe('a request cancelled while it is looked up', () => {
  it('leaves nothing behind and the next request works', async () => {
    const engine = createTestTts();
    const cache = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
    cache.speak(GREETING).subscribe().unsubscribe();
    const pieces = await collect(cache.speak(GREETING));
    expect(audioOf(pieces).length).toBeGreaterThan(0);
    expect(engine.spoken).toHaveLength(2);
    expect(engine.cancelled).toBe(0);
    await expect.poll(() => cache.stats().stores).toBe(1);
  });
});
