// The public surface of every publishable package is committed as API reports
// (`packages/*/api/*.api.md`): a change to it fails here until `pnpm api` rewrites them,
// so it is seen in review. The check writes nothing in the repository.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

it('every export is documented, and every {@link} in its docs resolves', () => {
  const reports = readdirSync(join(root, 'packages')).flatMap((name) => {
    const dir = join(root, 'packages', name, 'api');
    // A private package has no reports.
    return existsSync(dir) ? readdirSync(dir).map((file) => join(dir, file)) : [];
  });
  expect(reports.length).toBeGreaterThan(10);
  const gaps = reports.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /\(ae-(undocumented|unresolved-link)\)/.test(line))
      .map((line) => `${file.slice(root.length + 1)}: ${line.replace(/^\/\/ /, '')}`),
  );
  expect(gaps).toEqual([]);
});
