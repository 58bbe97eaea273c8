// Two caches on one folder in one process stand for two processes: only the folder joins them.
import { existsSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestTts } from '@psrkit/pipeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { heldTts } from './__fixtures__/held-tts.js';
import { audioOf, collect, tempDir, wordsOf } from './__fixtures__/speech.js';
import { cacheKey, normaliseText } from './cache-key.js';
import { createTtsCache } from './tts-cache.js';

const GREETING = 'Dạ em chào anh ạ.';
let folder: ReturnType<typeof tempDir>;
beforeEach(() => {
  folder = tempDir();
});
afterEach(() => folder.remove());

/** The lock file a cache on a default test engine takes for GREETING. */
function lockPath(): string {
  const engine = createTestTts();
  const key = cacheKey({
    namespace: '',
    engine: engine.name,
    settingsKey: engine.settingsKey,
    voice: undefined,
    sampleRate: engine.sampleRate,
    text: normaliseText(GREETING),
  });
  return join(folder.dir, `${key}.lock`);
}

describe('the lock on a text being synthesised', () => {
  it('makes another cache wait for the entry instead of synthesising it too', async () => {
    const engineA = createTestTts();
    const held = heldTts(engineA);
    const a = createTtsCache(held, { dir: folder.dir, maxBytes: 10e6 });
    const engineB = createTestTts();
    const b = createTtsCache(engineB, { dir: folder.dir, maxBytes: 10e6 });
    const fromA = collect(a.speak(GREETING));
    await expect.poll(() => held.speaking).toBe(1);
    expect(existsSync(lockPath())).toBe(true);
    const fromB = collect(b.speak(GREETING));
    await expect.poll(() => b.stats().lockWaits).toBe(1);
    held.release();
    const [speechA, speechB] = await Promise.all([fromA, fromB]);
    expect(audioOf(speechB)).toEqual(audioOf(speechA));
    expect(wordsOf(speechB)).toEqual(wordsOf(speechA));
    expect(engineA.spoken).toEqual([GREETING]);
    expect(engineB.spoken).toEqual([]);
    expect(b.stats()).toMatchObject({ hits: 1, misses: 0 });
    await expect.poll(() => existsSync(lockPath())).toBe(false);
  });

  it('is waited for at most lockWaitMs: then the text is synthesised (and stored) here', async () => {
    await mkdir(folder.dir, { recursive: true });
    writeFileSync(lockPath(), 'another process'); // fresh, and never released
    const engine = createTestTts();
    const cache = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6, lockWaitMs: 0 });
    await collect(cache.speak(GREETING));
    expect(engine.spoken).toEqual([GREETING]);
    await expect.poll(() => cache.stats().stores).toBe(1);
    expect(cache.stats()).toMatchObject({ lockWaits: 1, misses: 1 });
    expect(existsSync(lockPath())).toBe(true); // not this cache's to remove
  });

  it("is taken over when its holder stopped refreshing it (a dead process's)", async () => {
    await mkdir(folder.dir, { recursive: true });
    writeFileSync(lockPath(), 'a dead process');
    const aMinuteAgo = (Date.now() - 60_000) / 1000;
    utimesSync(lockPath(), aMinuteAgo, aMinuteAgo);
    const engine = createTestTts();
    const cache = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
    await collect(cache.speak(GREETING));
    await expect.poll(() => cache.stats().stores).toBe(1);
    expect(cache.stats().lockWaits).toBe(0);
    await expect.poll(() => existsSync(lockPath())).toBe(false);
  });

  it('is refreshed while its holder synthesises', async () => {
    const held = heldTts(createTestTts());
    const cache = createTtsCache(held, { dir: folder.dir, maxBytes: 10e6, staleLockMs: 300 });
    const speech = collect(cache.speak(GREETING));
    await expect.poll(() => held.speaking).toBe(1);
    const takenAt = statSync(lockPath()).mtimeMs;
    const past = (takenAt - 60_000) / 1000;
    utimesSync(lockPath(), past, past);
    await expect.poll(() => statSync(lockPath()).mtimeMs).toBeGreaterThanOrEqual(takenAt);
    held.release();
    await speech;
    await expect.poll(() => cache.stats().stores).toBe(1);
  });
});
