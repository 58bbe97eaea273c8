// pnpm reliability: runs the fault-matrix tests and renders docs/reliability.md from the
// rows they proved. The suite itself only checks that each row is on the page.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderReliability } from './reliability-doc.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'psrkit-reliability-'));
const out = join(dir, 'rows.jsonl');
writeFileSync(out, '');
try {
  const run = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--project',
      'server',
      '--project',
      'simulator',
      'src/faults.test.ts',
      'src/recording.test.ts',
      'src/cli-errors.test.ts',
      'src/workers.test.ts',
      'src/cli.test.ts',
      'src/admin.test.ts',
      'src/campaigns-routes.test.ts',
      'src/campaigns-page.test.ts',
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, RELIABILITY_OUT: out } },
  );
  if (run.status !== 0) {
    console.error('pnpm reliability: a fault-matrix test failed; docs/reliability.md is unchanged');
    process.exitCode = 2;
  } else {
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    writeFileSync(join(root, 'docs/reliability.md'), renderReliability(rows));
    console.log(`docs/reliability.md rendered from ${rows.length} rows`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
