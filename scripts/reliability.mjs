// pnpm reliability: runs the fault matrix and renders docs/reliability.md from the rows
// that held. The suite itself only checks that the page is current.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'psrkit-reliability-'));
const out = join(dir, 'reliability.md');
try {
  const run = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--project',
      'server',
      'src/faults.test.ts',
      '-t',
      '^(?!docs/reliability.md)',
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, RELIABILITY_OUT: out } },
  );
  if (run.status !== 0) {
    console.error('pnpm reliability: the fault matrix failed; docs/reliability.md is unchanged');
    process.exitCode = 2;
  } else {
    copyFileSync(out, join(root, 'docs/reliability.md'));
    console.log('docs/reliability.md rendered from the fault matrix');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
