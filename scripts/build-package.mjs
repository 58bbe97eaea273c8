#!/usr/bin/env node
// Builds the package in the current directory: tsc to dist/, then writes the
// package.json version into dist in place of the __PSRKIT_VERSION__ placeholder.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
for (const file of walk('dist').filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  if (text.includes('__PSRKIT_VERSION__'))
    writeFileSync(file, text.replaceAll('__PSRKIT_VERSION__', version));
}
