import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// One config for the whole workspace: a project per package or app (named after its
// folder, tests beside the code in src/), plus the cross-package tests in tests/.
const projectDirs = ['packages', 'apps'].flatMap((group) =>
  existsSync(group)
    ? readdirSync(group, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(group, entry.name, 'src')))
        .map((entry) => join(group, entry.name))
    : [],
);

export default defineConfig({
  test: {
    projects: [
      ...projectDirs.map((dir) => ({
        test: {
          name: dir.split('/').pop() as string,
          root: dir,
          include: ['src/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'src/**/*.type.test.ts'],
          typecheck: {
            enabled: true,
            include: ['src/**/*.type.test.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      })),
      {
        test: {
          name: 'workspace',
          root: 'tests',
          include: ['**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
