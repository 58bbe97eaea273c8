import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBot } from './load-bot.js';

describe('loadBot', () => {
  it('imports a bot from a path (default export, optional prepare) or a package name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'psrkit-bot-'));
    await writeFile(
      join(dir, 'my-bot.mjs'),
      'export default (call) => call.hangup();\nexport async function prepare() { globalThis.prepared = true; }\n',
    );
    const mine = await loadBot('./my-bot.mjs', dir);
    expect(typeof mine.bot).toBe('function');
    await mine.prepare?.();
    expect((globalThis as { prepared?: boolean }).prepared).toBe(true);
    const demo = await loadBot('@psrkit/demo-bot');
    expect(typeof demo.bot).toBe('function');
    expect(typeof demo.prepare).toBe('function');
  });

  it('says what is wrong with a module that is not a bot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'psrkit-bot-'));
    await writeFile(join(dir, 'not-a-bot.mjs'), 'export const answer = 42;\n');
    await expect(loadBot('./not-a-bot.mjs', dir)).rejects.toMatchObject({
      option: '--bot',
      message: expect.stringContaining('no default export'),
    });
    await expect(loadBot('./missing.mjs', dir)).rejects.toMatchObject({
      option: '--bot',
      message: expect.stringContaining('cannot import'),
    });
  });
});
