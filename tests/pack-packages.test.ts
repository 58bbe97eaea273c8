// scripts/pack-packages.mjs, README's install recipe: the set it packs is the closure of
// what is named, read from the manifests; its errors are one line with exit code 2. (The
// packing itself runs once per suite, as README's recipe: tests/setup/packed-packages.ts.)
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { packageClosure, publishablePackages } from '../scripts/pack-packages.mjs';
import { docBlocks } from './fixtures/doc-blocks.js';
import { packed, root } from './fixtures/packed.js';

const script = `${root}/scripts/pack-packages.mjs`;

it('packs what is named and every workspace package it needs, and nothing else', () => {
  const all = publishablePackages(root);
  const names = new Set(packageClosure(['@psrkit/server'], all).map((pkg) => pkg.name));
  for (const name of names) {
    const { manifest } = all.find((pkg) => pkg.name === name)!;
    const needs = {
      ...(manifest['dependencies'] as object),
      ...(manifest['peerDependencies'] as object),
    };
    const optional = (manifest['peerDependenciesMeta'] ?? {}) as Record<
      string,
      { optional?: boolean }
    >;
    for (const [need, range] of Object.entries(needs))
      if (String(range).startsWith('workspace:') && !optional[need]?.optional)
        expect(names).toContain(need);
  }
  expect(names).not.toContain('@psrkit/demo-bot'); // the server's optional peer
  expect(names).toContain('@psrkit/line'); // the one the old hand list forgot
});

it("README's recipe packed exactly the closure of the packages it names", () => {
  const line = docBlocks(root, 'README.md')
    .map((block) => block.code.trim())
    .find((code) => code.startsWith('node psrkit/scripts/pack-packages.mjs'))!;
  const named = line.split(/\s+/).slice(3);
  const closure = packageClosure(named, publishablePackages(root)).map((pkg) => pkg.name);
  expect([...packed().recipe].sort()).toEqual(closure.sort());
});

it.each([
  [
    ['out', '@psrkit/nope'],
    'pack-packages: @psrkit/nope is not a publishable package of this workspace',
  ],
  [['out'], 'pack-packages: usage: pack-packages.mjs <out-dir> <package…> | --all'],
])('%j: one line, exit code 2', async (args, line) => {
  const failed = await promisify(execFile)(process.execPath, [script, ...args]).catch(
    (error: { code: number; stderr: string }) => error,
  );
  expect(failed).toMatchObject({ code: 2, stderr: `${line}\n` });
});
