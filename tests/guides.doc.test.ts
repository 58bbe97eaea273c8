// The guides, followed word for word as a newcomer follows them, each in a fresh folder:
// docs/build-a-bot.md, README.vi.md and docs/plugins.md beside README's packed packages
// (installed with plain npm from the tarballs), and docs/build-a-bot.md once more in its
// "once published" form, every package published to a registry of this test's own and
// installed by name. Every shell block runs, every file is saved as shown, every sample
// report is compared with what the command printed, every server is stopped with SIGTERM;
// a block that no longer runs or prints what its page shows fails, named. The four run
// side by side: each mostly waits, on npm and on calls in real time.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DocBlock, docBlocks, type InstallMode } from './fixtures/doc-blocks.js';
import { type DocRun, runDoc } from './fixtures/doc-run.js';
import { eachLimited } from './fixtures/each-limited.js';
import { freePort } from './fixtures/free-port.js';
import { type LocalRegistry, startLocalRegistry } from './fixtures/local-registry.js';
import { packed, readerFolder, root } from './fixtures/packed.js';
import { run, userEnv } from './fixtures/run-command.js';

const folders: string[] = [];
let registry: LocalRegistry | undefined;
afterAll(async () => {
  await Promise.all([
    registry?.stop(),
    ...folders.map((folder) => rm(folder, { recursive: true, force: true })),
  ]);
});

/** Follows `doc` from `folder`, once however many tests ask. */
function follow(doc: string, folder: () => string, mode: InstallMode, npmEnv = () => ({})) {
  let result: Promise<DocRun & { folder: string }> | undefined;
  return () =>
    (result ??= (async () => {
      const cwd = folder();
      folders.push(cwd);
      const env = userEnv(npmEnv());
      const done = await runDoc(docBlocks(root, doc), { cwd, mode, port: await freePort(), env });
      return { ...done, folder: cwd };
    })());
}

/** What SIGTERM to each server a page starts should end in: exit code 0, nothing left. */
const CLEAN_STOP = { code: 0, signal: null, left: [] };

describe.concurrent('the guides, followed word for word', () => {
  describe('docs/build-a-bot.md, from the packed tarballs', () => {
    const guide = follow('docs/build-a-bot.md', readerFolder, 'tarballs');
    // The type error tsx would run without a word: rxjs's `tap` passes one argument.
    const wrongBot = `import type { Bot } from '@psrkit/transport';
import { tap } from 'rxjs';

const bot: Bot = async (call) => {
  call.audio().pipe(tap((_frame, index) => console.log(index))).subscribe();
};
export default bot;
`;

    it('runs as written, every report as the page shows it; SIGTERM stops its server', async () => {
      const { cwd, folder, stopped } = await guide();
      expect(cwd).toBe(join(folder, 'my-bot'));
      expect(stopped.map(({ stop }) => stop)).toEqual([CLEAN_STOP]);
    });

    it('its type check fails on a bot with a type error, naming the file and line', async () => {
      const { cwd } = await guide();
      writeFileSync(join(cwd, 'wrong-bot.ts'), wrongBot);
      await expect(run('npm', ['run', 'check'], cwd)).rejects.toThrow(
        /wrong-bot\.ts\(5,\d+\): error TS\d+/,
      );
    });
  });

  describe('README.vi.md', () => {
    const page = follow('README.vi.md', readerFolder, 'tarballs');
    const packLine = (blocks: DocBlock[]) =>
      blocks.map((block) => block.code.trim()).filter((code) => code.includes('pack-packages.mjs'));

    it("packs with README.md's recipe, word for word (the suite runs that one)", () => {
      expect(packLine(docBlocks(root, 'README.vi.md'))).toEqual(
        packLine(docBlocks(root, 'README.md')),
      );
    });

    it('runs as written: install, bot, server, call, the report it explains', async () => {
      const { cwd, folder, stopped } = await page();
      expect(cwd).toBe(join(folder, 'bot-cua-toi'));
      expect(stopped.map(({ stop }) => stop)).toEqual([CLEAN_STOP]);
    });
  });

  describe('docs/plugins.md', () => {
    const page = follow('docs/plugins.md', readerFolder, 'tarballs');

    it('runs as written: conformance tests, package, install, the server with the stages on a call', async () => {
      const { cwd, folder, stopped } = await page();
      expect(cwd).toBe(join(folder, 'try-invert'));
      expect(stopped.map(({ stop }) => stop)).toEqual([CLEAN_STOP]);
    });
  });

  describe('install by name: every package published to a local registry', () => {
    let published: Promise<PromiseSettledResult<string>[]> | undefined;
    // Each tarball as `pnpm publish` uploads it: `workspace:` and `catalog:` ranges rewritten.
    const publishAll = () =>
      (published ??= (async () => {
        const tarballs = Object.values(packed().tarballs);
        registry = await startLocalRegistry();
        return Promise.allSettled(await eachLimited(tarballs, 6, registry.publish));
      })());
    const guide = follow(
      'docs/build-a-bot.md',
      () => mkdtempSync(join(tmpdir(), 'psrkit-by-name-')),
      'registry',
      () => registry!.npmEnv,
    );

    it('takes every publishable package', async () => {
      const failures = (await publishAll()).flatMap((result) =>
        result.status === 'rejected' ? [String(result.reason)] : [],
      );
      expect(failures).toEqual([]);
    });

    it('docs/build-a-bot.md runs with @psrkit/server, the simulator and plugins installed by name', async () => {
      await publishAll();
      const { cwd, stopped } = await guide();
      const { dependencies } = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
      const server = JSON.parse(readFileSync(join(root, 'apps/server/package.json'), 'utf8'));
      expect(dependencies['@psrkit/server']).toBe(`^${server.version}`);
      expect(stopped.map(({ stop }) => stop)).toEqual([CLEAN_STOP]);
    });
  });
});
