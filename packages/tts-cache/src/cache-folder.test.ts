import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestTts } from '@psrkit/pipeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { audioOf, collect, memoryLogger, tempDir } from './__fixtures__/speech.js';
import { createTtsCache } from './tts-cache.js';

const TEXT = 'Cảm ơn anh đã nghe máy.';
let folder: ReturnType<typeof tempDir>;
beforeEach(() => {
  folder = tempDir();
});
afterEach(() => folder.remove());

/**
 * TEXT stored in the folder by one cache, and another on the same folder (as another
 * process, or a restart: nothing of it in memory) that reads it.
 */
async function stored() {
  const engine = createTestTts();
  const writer = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
  const original = await collect(writer.speak(TEXT));
  await expect.poll(() => writer.stats().stores).toBe(1);
  const [name] = folder.entries();
  const logger = memoryLogger();
  const cache = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6, logger });
  return { engine, logger, cache, original, path: join(folder.dir, name!) };
}

function flipBit(file: Buffer, at: number): Buffer {
  const copy = Buffer.from(file);
  copy[at] = copy[at]! ^ 1;
  return copy;
}

describe('a corrupt entry', () => {
  it.each([
    ['a flipped bit in the audio', (file: Buffer) => flipBit(file, 200)],
    ['cut short', (file: Buffer) => file.subarray(0, file.length - 10)],
    ['a byte too many', (file: Buffer) => Buffer.concat([file, Buffer.from([0])])],
    ['another format', () => Buffer.from('RIFF....WAVEfmt garbage garbage garbage')],
    ['empty', () => Buffer.alloc(0)],
  ])(
    '(%s) is a miss: deleted, counted, logged, synthesised and stored again',
    async (_, damage) => {
      const { engine, logger, cache, original, path } = await stored();
      writeFileSync(path, damage(readFileSync(path)));
      const replay = await collect(cache.speak(TEXT));
      expect(audioOf(replay)).toEqual(audioOf(original));
      expect(engine.spoken).toEqual([TEXT, TEXT]);
      expect(cache.stats()).toMatchObject({ corrupt: 1, hits: 0, misses: 1, errors: 0 });
      expect(logger.lines).toEqual(['TTS cache: a corrupt entry was deleted (a miss)']);
      await expect.poll(() => cache.stats().stores).toBe(1);
      const third = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
      await collect(third.speak(TEXT));
      expect(third.stats()).toMatchObject({ hits: 1, corrupt: 0 });
    },
  );

  it("written under another entry's name is a miss", async () => {
    const { engine, cache, path } = await stored();
    const writer = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
    await collect(writer.speak('Một câu khác.'));
    await expect.poll(() => writer.stats().stores).toBe(1);
    const other = folder.entries().find((name) => !path.endsWith(name))!;
    writeFileSync(path, readFileSync(join(folder.dir, other)));
    await collect(cache.speak(TEXT));
    expect(cache.stats()).toMatchObject({ corrupt: 1, hits: 0 });
    await expect.poll(() => cache.stats().stores).toBe(1);
  });
});

describe('an entry that vanishes', () => {
  it('(evicted by another process) is a miss, without an error', async () => {
    const { engine, cache, path } = await stored();
    rmSync(path);
    await collect(cache.speak(TEXT));
    expect(engine.spoken).toHaveLength(2);
    expect(cache.stats()).toMatchObject({ errors: 0, corrupt: 0, misses: 1 });
    await expect.poll(() => cache.stats().stores).toBe(1);
  });
});
