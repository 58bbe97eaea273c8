import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// One config for the whole workspace, in two tiers:
// - behaviour: a project per package or app (named after its folder, tests beside the code
//   in src/), plus the cross-package tests in tests/. They assert exactly and do not depend
//   on the machine's speed.
// - timing (`*.timing.test.ts` anywhere): real-time budgets, with the server under test in
//   its own process. `pnpm test` runs them after the rest, one file at a time
//   (`pnpm test:timing` alone); each budget holds with a core taken away.
const projectDirs = ['packages', 'apps'].flatMap((group) =>
  existsSync(group)
    ? readdirSync(group, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(group, entry.name, 'src')))
        .map((entry) => join(group, entry.name))
    : [],
);
const TIMING = '**/*.timing.test.ts';
// Limits only catch a test that hangs: Vitest's defaults (5 s a test, 1 s for `expect.poll`)
// would be timing bounds on a machine with a core taken away.
const POLL = { poll: { timeout: 10_000 } };

export default defineConfig({
  test: {
    // Most behaviour tests wait on real-time calls over loopback, not on the CPU: two
    // files at a time halve the suite's wall time even with a core taken away (Vitest's
    // default on a 2-core machine is one).
    maxWorkers: 2,
    globalSetup: ['tests/setup/leftover-processes.ts'],
    projects: [
      ...projectDirs.map((dir) => ({
        test: {
          name: dir.split('/').pop() as string,
          root: dir,
          include: ['src/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'src/**/*.type.test.ts', TIMING],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          expect: POLL,
          typecheck: {
            enabled: true,
            include: ['src/**/*.type.test.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      })),
      {
        test: {
          name: 'examples',
          root: 'examples',
          include: ['*.test.ts'],
          testTimeout: 60_000,
          expect: POLL,
        },
      },
      {
        test: {
          name: 'workspace',
          root: 'tests',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', TIMING],
          // Packs every publishable package once per run, README's recipe included: the
          // install, doc and registry tests share the tarballs.
          globalSetup: ['setup/packed-packages.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          expect: POLL,
        },
      },
      {
        test: {
          name: 'timing',
          include: ['{packages,apps}/*/src/**/*.timing.test.ts', 'tests/**/*.timing.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          expect: POLL,
        },
      },
    ],
  },
});
