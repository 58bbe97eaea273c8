import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestTts } from '@psrkit/pipeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, tempDir } from './__fixtures__/speech.js';
import { createTtsCache } from './tts-cache.js';

let folder: ReturnType<typeof tempDir>;
beforeEach(() => {
  folder = tempDir();
});
afterEach(() => folder.remove());

/**
 * A cache whose clock the test moves a second per prompt, on a folder that holds `fits`
 * entries of one size; nothing held in memory, so every hit reads (and marks) its file.
 */
async function cacheHolding(fits: number, memoryBytes = 0) {
  const engine = createTestTts();
  let now = 1_700_000_000_000;
  const clock = () => now;
  // One entry's size, measured on a folder of its own.
  const probe = tempDir();
  const sizer = createTtsCache(engine, { dir: probe.dir, maxBytes: 10e6 });
  await collect(sizer.speak('Prompt 0.'));
  await expect.poll(() => sizer.stats().stores).toBe(1);
  const entryBytes = sizer.stats().bytes;
  probe.remove();
  const maxBytes = Math.floor(entryBytes * (fits + 0.5));
  const cache = createTtsCache(engine, {
    dir: folder.dir,
    maxBytes,
    maxEntryBytes: maxBytes,
    memoryBytes,
    clock,
  });
  /** Speaks a prompt a second after the last thing the cache did. */
  const say = async (text: string, afterMs = 1000) => {
    now += afterMs;
    const stores = cache.stats().stores;
    const hits = cache.stats().hits;
    await collect(cache.speak(text));
    await expect.poll(() => cache.stats().stores + cache.stats().hits).toBe(stores + hits + 1);
  };
  return { engine, cache, say, entryBytes };
}

describe('the size cap', () => {
  it('evicts the least recently used entries; a hit counts as a use', async () => {
    const { engine, cache, say, entryBytes } = await cacheHolding(3);
    await say('Prompt A.');
    await say('Prompt B.');
    await say('Prompt C.');
    await say('Prompt A.'); // a hit: A is now the most recent
    expect(cache.stats()).toMatchObject({ hits: 1, evictions: 0, bytes: 3 * entryBytes });
    await say('Prompt D.'); // over the cap: B, the least recently used, goes
    expect(cache.stats()).toMatchObject({ evictions: 1, bytes: 3 * entryBytes });
    expect(folder.entries()).toHaveLength(3);

    const spoken = engine.spoken.length;
    await say('Prompt A.');
    await say('Prompt C.');
    await say('Prompt D.');
    expect(engine.spoken.slice(spoken)).toEqual([]);
    await say('Prompt B.');
    expect(engine.spoken.slice(spoken)).toEqual(['Prompt B.']);
  });

  it('counts a hit from memory as a use once a minute', async () => {
    const { engine, say } = await cacheHolding(3, 10e6);
    await say('Prompt A.');
    await say('Prompt B.');
    await say('Prompt C.');
    await say('Prompt A.'); // from memory: its file not marked yet (stored a few seconds ago)
    await say('Prompt B.', 60_000); // a minute on: marked
    await say('Prompt D.'); // A, least recently marked, goes
    const spoken = engine.spoken.length;
    const other = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
    for (const text of ['Prompt B.', 'Prompt C.', 'Prompt D.', 'Prompt A.'])
      await collect(other.speak(text));
    expect(engine.spoken.slice(spoken)).toEqual(['Prompt A.']);
    await expect.poll(() => other.stats().stores).toBe(1);
  });

  it('measures entries other processes stored, and evicts theirs too', async () => {
    const { cache, say, entryBytes } = await cacheHolding(2);
    await say('Prompt A.');
    // Another process's older entries (their times set in the past).
    for (const name of ['a', 'b'].map((c) => c.repeat(64))) {
      const path = join(folder.dir, `${name}.tts`);
      writeFileSync(path, Buffer.alloc(entryBytes));
      utimesSync(path, 1_600_000_000, 1_600_000_000);
    }
    await say('Prompt B.');
    expect(folder.entries()).toHaveLength(2);
    expect(folder.entries()).not.toContain(`${'a'.repeat(64)}.tts`);
    expect(folder.entries()).not.toContain(`${'b'.repeat(64)}.tts`);
    expect(cache.stats().evictions).toBe(2);
  });

  it('leaves files it does not know alone, and removes leftovers over an hour old', async () => {
    const { say } = await cacheHolding(1);
    await say('Prompt A.');
    const keep = join(folder.dir, 'README');
    const oldTemp = join(folder.dir, `.${'c'.repeat(64)}.1.abcd.tmp`);
    const freshLock = join(folder.dir, `${'d'.repeat(64)}.lock`);
    for (const path of [keep, oldTemp, freshLock]) writeFileSync(path, 'x');
    const twoHoursAgo = (Date.now() - 2 * 3600_000) / 1000;
    utimesSync(oldTemp, twoHoursAgo, twoHoursAgo);
    await say('Prompt B.');
    const present = (path: string) => statSync(path, { throwIfNoEntry: false }) !== undefined;
    expect([present(keep), present(oldTemp), present(freshLock)]).toEqual([true, false, true]);
  });
});
