#!/usr/bin/env node
// `pnpm start`: the README's main command. Until the reference server exists this runs
// the protocol package's README example against the built package.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const example = /```ts\n([\s\S]*?)```/.exec(readFileSync('packages/protocol/README.md', 'utf8'))[1];
const dir = join('packages', 'protocol', '.example');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'readme.ts'), example);
execFileSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', join(dir, 'readme.ts')], {
  stdio: 'inherit',
});
