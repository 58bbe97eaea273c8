// The public surface of every publishable package is committed as API reports
// (`packages/*/api/*.api.md`): a change to it fails here until `pnpm api` rewrites them,
// so it is seen in review. The check writes nothing in the repository.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

it('every entry point matches its committed API report', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [resolve(root, 'scripts/api-report.mjs'), '--check'],
    { cwd: root },
  ).catch((error: { stdout: string; stderr: string }) => {
    throw new Error(error.stderr.trim().split('\n').pop());
  });
  expect(stdout).toMatch(/^\d+ API reports match$/m);
});
