// Every publishable package installs on its own: pack it as it would be published, install
// the tarballs with plain npm into a directory outside the workspace, then import each
// package, type-check an import of it, and run the first TypeScript example of its README.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter(({ manifest }) => !manifest.private);

let work: string;
/** Runs a command; a failure says what it printed (a type error, an npm error). */
function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      // As @psrkit/plugin-vad-silero's README says: onnxruntime-node's install script would
      // fetch CUDA libraries from outside the registry; its CPU runtime is in the package.
      env: { ...process.env, npm_config_loglevel: 'error', ONNXRUNTIME_NODE_INSTALL: 'skip' },
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`.slice(0, 4000),
    );
  }
}

/** pnpm itself: the one running this test when started by `pnpm test`, else npx. */
function pnpm(args: string[], cwd: string): string {
  const execPath = process.env['npm_execpath'];
  if (execPath && /pnpm/.test(execPath)) return run(process.execPath, [execPath, ...args], cwd);
  return run('npx', ['--yes', 'pnpm@10.34.9', ...args], cwd);
}

/** The first ```ts block of a README. */
function readmeExample(dir: string): string {
  const match = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(dir, 'README.md'), 'utf8'));
  if (!match) throw new Error(`${dir}/README.md has no \`\`\`ts example`);
  return match[1]!;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'psrkit-install-'));
  const tarballs = packages.map(({ dir }) => {
    const out = pnpm(['pack', '--pack-destination', work], dir).trim().split('\n').pop()!;
    return resolve(dir, out);
  });
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify({ name: 'install-check', private: true, type: 'module' }),
  );

  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, '@types/node@20'],
    work,
  );
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.each(packages.map((p) => [p.manifest.name as string, p] as const))(
  '%s installed from its tarball',
  (name, { dir, manifest }) => {
    it('ships no tests, fixtures or sources, and has a README', () => {
      const files = run(
        'tar',
        [
          '-tzf',
          readdirSync(work)
            .filter((f) => f.endsWith('.tgz'))
            .map((f) => join(work, f))
            .find((f) => f.includes(name.replace('@', '').replace('/', '-')))!,
        ],
        work,
      );
      expect(files).toMatch(/package\/README\.md/);
      expect(files).toMatch(/package\/dist\/index\.js/);
      expect(files).not.toMatch(/\.test\.|__fixtures__|package\/src\//);
    });

    it('imports as ESM with every export map entry resolving', () => {
      // Modules only: JSON files (`./package.json`, a schema) and file patterns (`./samples/*`) are data.
      const entries = Object.keys(manifest.exports).filter(
        (key) => !key.endsWith('.json') && !key.includes('*'),
      );
      const script = entries
        .map(
          (entry, i) =>
            `import * as m${i} from '${join(name, entry)}';\nif (Object.keys(m${i}).length === 0) throw new Error('${entry} exports nothing');`,
        )
        .join('\n');
      writeFileSync(join(work, 'import-check.mjs'), `${script}\nconsole.log('ok');\n`);
      expect(run(process.execPath, ['import-check.mjs'], work).trim()).toBe('ok');
    });

    it('type-checks an import under NodeNext resolution', () => {
      writeFileSync(
        join(work, 'types-check.ts'),
        `import * as pkg from '${name}';\nexport const keys: string[] = Object.keys(pkg);\n`,
      );
      writeFileSync(
        join(work, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
          },
          files: ['types-check.ts'],
        }),
      );
      run(
        process.execPath,
        [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
        work,
      );
    });

    it("runs its README's example as written", () => {
      writeFileSync(join(work, 'readme-example.ts'), readmeExample(dir));
      const output = run(
        process.execPath,
        [join(root, 'node_modules/tsx/dist/cli.mjs'), 'readme-example.ts'],
        work,
      );
      expect(output.length).toBeGreaterThan(0);
    });
  },
);
