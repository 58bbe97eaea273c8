import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TextToSpeech, TtsError } from '@psrkit/pipeline';
import { createTestTts } from '@psrkit/pipeline/testing';
import { firstValueFrom, of } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { heldTts } from './__fixtures__/held-tts.js';
import { audioOf, collect, memoryLogger, tempDir, wordsOf } from './__fixtures__/speech.js';
import { createTtsCache } from './tts-cache.js';
import { TtsCacheError } from './tts-cache-error.js';

const GREETING = 'Dạ chào anh Nam. Em gọi từ công ty ABC.';
let folder: ReturnType<typeof tempDir>;
beforeEach(() => {
  folder = tempDir();
});
afterEach(() => folder.remove());

describe('createTtsCache', () => {
  it('synthesises a text once, then replays its audio and word timings from the folder', async () => {
    const engine = createTestTts();
    const cache = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
    const first = await collect(cache.speak(GREETING));
    await expect.poll(() => cache.stats().stores).toBe(1);
    const second = await collect(cache.speak(GREETING));

    expect(engine.spoken).toEqual(['Dạ chào anh Nam.', 'Em gọi từ công ty ABC.']);
    expect(audioOf(second)).toEqual(audioOf(first));
    expect(wordsOf(second)).toEqual(wordsOf(first));
    expect(second.map((piece) => piece.type)).toEqual(['audio', 'words', 'audio', 'words']);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, stores: 1, errors: 0 });
    expect(folder.entries()).toHaveLength(1);
  });

  it('replays to another cache on the same folder (another process, a restart)', async () => {
    const engine = createTestTts();
    const one = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
    await collect(one.speak(GREETING));
    await expect.poll(() => one.stats().stores).toBe(1);
    const other = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
    await collect(other.speak(GREETING));
    expect(engine.spoken).toHaveLength(2); // two sentences, spoken once
    expect(other.stats()).toMatchObject({ hits: 1, misses: 0 });
  });

  it('replays a hot entry from memory, even after another process evicted its file', async () => {
    const engine = createTestTts();
    const hot = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
    const cold = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6, memoryBytes: 0 });
    await collect(hot.speak(GREETING));
    await expect.poll(() => hot.stats().stores).toBe(1);
    await collect(cold.speak(GREETING));
    rmSync(join(folder.dir, folder.entries()[0]!));
    await collect(hot.speak(GREETING));
    expect(hot.stats()).toMatchObject({ hits: 1, misses: 1 });
    await collect(cold.speak(GREETING));
    expect(cold.stats()).toMatchObject({ hits: 1, misses: 1 });
    await expect.poll(() => cold.stats().stores).toBe(1);
  });

  it('keys on the normalised text: spacing and Unicode composition do not matter', async () => {
    const engine = createTestTts();
    const cache = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
    await collect(cache.speak('Dạ chào anh Nam.'));
    await expect.poll(() => cache.stats().stores).toBe(1);
    await collect(cache.speak('  Dạ   chào\nanh Nam. '));
    await collect(cache.speak('Dạ chào anh Nam.'.normalize('NFD')));
    expect(engine.spoken).toEqual(['Dạ chào anh Nam.']);
    expect(cache.stats().hits).toBe(2);
  });

  it('keeps apart voices, engine settings, rates and namespaces', async () => {
    const speakOnce = async (cache: ReturnType<typeof createTtsCache>, voice?: string) => {
      await collect(cache.speak('Xin chào.', voice === undefined ? {} : { voice }));
      await expect.poll(() => cache.stats().stores).toBeGreaterThan(0);
    };
    const engine16k = createTestTts();
    await speakOnce(createTtsCache(engine16k, { dir: folder.dir, maxBytes: 10e6 }));
    await speakOnce(createTtsCache(engine16k, { dir: folder.dir, maxBytes: 10e6 }), 'test');
    await speakOnce(
      createTtsCache(engine16k, { dir: folder.dir, maxBytes: 10e6, namespace: 'campaign-2' }),
    );
    await speakOnce(
      createTtsCache(createTestTts({ sampleRate: 8000 }), { dir: folder.dir, maxBytes: 10e6 }),
    );
    await speakOnce(
      createTtsCache(createTestTts({ msPerChar: 50 }), { dir: folder.dir, maxBytes: 10e6 }),
    );
    expect(engine16k.spoken).toHaveLength(3);
    expect(folder.entries()).toHaveLength(5);
  });

  it('lets concurrent requests for one text share one synthesis, late joiners from the start', async () => {
    const engine = createTestTts();
    const held = heldTts(engine);
    const cache = createTtsCache(held, { dir: folder.dir, maxBytes: 10e6 });
    const early = collect(cache.speak(GREETING));
    await expect.poll(() => engine.spoken.length).toBe(2); // all its audio out, still open
    const late = collect(cache.speak(GREETING));
    held.release();
    const [a, b] = await Promise.all([early, late]);
    expect(audioOf(b)).toEqual(audioOf(a));
    expect(wordsOf(b)).toEqual(wordsOf(a));
    expect(engine.spoken).toHaveLength(2);
    expect(cache.stats()).toMatchObject({ misses: 1, shared: 1 });
    await expect.poll(() => cache.stats().stores).toBe(1);
  });

  it('passes text in pieces through uncached', async () => {
    const engine = createTestTts();
    const cache = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
    await collect(cache.speak(of('Xin ', 'chào.')));
    await collect(cache.speak(of('Xin ', 'chào.')));
    expect(engine.spoken).toEqual(['Xin chào.', 'Xin chào.']);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, stores: 0 });
    expect(folder.entries()).toEqual([]);
  });

  it('passes an engine error through and stores nothing', async () => {
    const cache = createTtsCache(createTestTts(), { dir: folder.dir, maxBytes: 10e6 });
    for (let i = 0; i < 2; i++) {
      const error = await collect(cache.speak('Xin chào.', { voice: 'nope' })).catch((e) => e);
      expect(TtsError.isInstance(error) && error.code).toBe('UNKNOWN_VOICE');
    }
    expect(cache.stats()).toMatchObject({ misses: 2, stores: 0 });
    expect(folder.entries()).toEqual([]);
  });

  it('takes a version-1 engine (through asTextToSpeechV2)', async () => {
    let synthesised = 0;
    const v1: TextToSpeech = {
      specificationVersion: 1,
      name: 'v1-test',
      sampleRate: 8000,
      voices: ['a'],
      synthesize: () => {
        synthesised++;
        return of(new Int16Array(800).fill(100));
      },
    };
    const cache = createTtsCache(v1, { dir: folder.dir, maxBytes: 10e6 });
    expect(cache).toMatchObject({ specificationVersion: 2, name: 'v1-test', sampleRate: 8000 });
    await collect(cache.speak('Một câu.'));
    await expect.poll(() => cache.stats().stores).toBe(1);
    const replay = await collect(cache.speak('Một câu.'));
    expect(synthesised).toBe(1);
    expect(audioOf(replay)).toEqual(new Int16Array(800).fill(100));
    expect(wordsOf(replay).map((word) => word.text)).toEqual(['Một', 'câu.']);
  });

  it('passes speech through when the folder cannot be made, warning once', async () => {
    const logger = memoryLogger();
    const file = `${folder.dir}.file`;
    writeFileSync(file, 'not a folder');
    const engine = createTestTts();
    const cache = createTtsCache(engine, { dir: `${file}/cache`, maxBytes: 10e6, logger });
    const first = await collect(cache.speak(GREETING));
    const second = await collect(cache.speak(GREETING));
    expect(audioOf(second)).toEqual(audioOf(first));
    expect(engine.spoken).toHaveLength(4);
    expect(cache.stats()).toMatchObject({ stores: 0, degraded: true });
    expect(cache.stats().errors).toBeGreaterThan(0);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/passes through the engine uncached/);
  });

  it('refuses bad options with a typed error', () => {
    const engine = createTestTts();
    const refused = (options: object) => {
      try {
        createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6, ...options });
      } catch (error) {
        return TtsCacheError.isInstance(error) ? `${error.code} ${error.subject}` : error;
      }
      return 'accepted';
    };
    expect(refused({ dir: '' })).toBe('INVALID_OPTION dir');
    expect(refused({ maxBytes: 0 })).toBe('INVALID_OPTION maxBytes');
    expect(refused({ maxEntryBytes: 20e6 })).toBe('INVALID_OPTION maxEntryBytes');
    expect(refused({ finishInBackgroundMs: -1 })).toBe('INVALID_OPTION finishInBackgroundMs');
    expect(refused({ lockWaitMs: Number.NaN })).toBe('INVALID_OPTION lockWaitMs');
    expect(refused({ staleLockMs: 10 })).toBe('INVALID_OPTION staleLockMs');
    expect(refused({})).toBe('accepted');
  });

  it('describes itself as its engine', async () => {
    const engine = createTestTts();
    const cache = createTtsCache(engine, { dir: folder.dir, maxBytes: 10e6 });
    const { name, sampleRate, voices, capabilities, settingsKey } = engine;
    expect(cache).toMatchObject({ name, sampleRate, voices, capabilities, settingsKey });
    expect(await firstValueFrom(cache.speak(''), { defaultValue: 'none' })).toBe('none');
  });
});
