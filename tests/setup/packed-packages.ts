// Global setup of the workspace tests: packs every publishable package once per run. The
// set a bot needs is packed by README.md's install recipe itself, run as its reader runs it
// (beside a clone, here a link to this workspace); the other packages are packed beside it
// with the same script. Tests get the tarballs through `inject('packed')`
// (tests/fixtures/packed.ts); the folder is removed at the end.
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packPackages, publishablePackages } from '../../scripts/pack-packages.mjs';
import { docBlocks } from '../fixtures/doc-blocks.js';
import { runDoc } from '../fixtures/doc-run.js';
import { freePort } from '../fixtures/free-port.js';
import type { Packed } from '../fixtures/packed.js';
import { userEnv } from '../fixtures/run-command.js';

const root = resolve(import.meta.dirname, '../..');
const tarballName = (name: string, version: string) =>
  `${name.replace('@', '').replace('/', '-')}-${version}.tgz`;

/** Runs README's recipe in `dir`, then packs what it did not; the tarballs by name. */
async function packAll(dir: string): Promise<Omit<Packed, 'dir'>> {
  symlinkSync(root, join(dir, 'psrkit'));
  await runDoc(docBlocks(root, 'README.md'), {
    cwd: dir,
    mode: 'tarballs',
    port: await freePort(),
    env: userEnv(),
  });
  const all = publishablePackages(root);
  const inRecipe = (pkg: (typeof all)[number]) =>
    existsSync(join(dir, 'psrkit-packages', tarballName(pkg.name, pkg.manifest.version)));
  const recipe = all.filter(inRecipe);
  const rest = all.filter((pkg) => !inRecipe(pkg));
  const restFiles = rest.length > 0 ? packPackages(rest, join(dir, 'more-packages')) : [];
  const tarballs = Object.fromEntries([
    ...recipe.map((pkg) => [
      pkg.name,
      join(dir, 'psrkit-packages', tarballName(pkg.name, pkg.manifest.version)),
    ]),
    ...rest.map((pkg, i) => [pkg.name, restFiles[i]!]),
  ]);
  return { tarballs, recipe: recipe.map((pkg) => pkg.name) };
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'psrkit-packed-'));
  let value: Packed;
  try {
    value = { dir, ...(await packAll(dir)) };
  } catch (error) {
    value = { dir, tarballs: {}, recipe: [], error: (error as Error).message };
  }
  project.provide('packed', value);
  return () => rmSync(dir, { recursive: true, force: true });
}
