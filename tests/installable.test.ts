// Every publishable package installs on its own: pack it as it would be published, install
// the tarballs with plain npm into a directory outside the workspace, then import each
// package, type-check an import of it, and run the first TypeScript example of its README.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter(({ manifest }) => !manifest.private);

let work: string;
const execFileAsync = promisify(execFile);
/** Runs a command; a failure says what it printed (a type error, an npm error). */
async function run(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      // As @psrkit/plugin-vad-silero's README says: onnxruntime-node's install script would
      // fetch CUDA libraries from outside the registry; its CPU runtime is in the package.
      env: { ...process.env, npm_config_loglevel: 'error', ONNXRUNTIME_NODE_INSTALL: 'skip' },
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`.slice(0, 4000),
    );
  }
}

/** Runs `work` over `items`, at most `limit` at a time (the steps are processes). */
async function eachLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
) {
  const results: Promise<R>[] = [];
  const running = new Set<Promise<unknown>>();
  for (const item of items) {
    while (running.size >= limit) await Promise.race(running);
    const done = work(item);
    results.push(done);
    const settled = done.catch(() => undefined).finally(() => running.delete(settled));
    running.add(settled);
  }
  return results; // each step's own outcome, failures included
}

/** pnpm itself: the one running this test when started by `pnpm test`, else npx. */
function pnpm(args: string[], cwd: string): Promise<string> {
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

/** Each package's checks, run side by side once the tarballs are installed. */
const checks = new Map<
  string,
  { tarball: Promise<string>; imports: Promise<string>; example: Promise<string> }
>();
let typeCheck: Promise<string>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'psrkit-install-'));
  const tarballs = await Promise.all(
    await eachLimited(packages, 4, async ({ dir }) => {
      const out = (await pnpm(['pack', '--pack-destination', work], dir)).trim().split('\n').pop()!;
      return resolve(dir, out);
    }),
  );
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify({ name: 'install-check', private: true, type: 'module' }),
  );
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, '@types/node@20'],
    work,
  );

  // One type-check program for every package: an import of each, in a file of its own.
  const typeFiles = packages.map(({ manifest }, i) => {
    const file = `types-check-${i}.ts`;
    writeFileSync(
      join(work, file),
      `import * as pkg from '${manifest.name}';\nexport const keys: string[] = Object.keys(pkg);\n`,
    );
    return file;
  });
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
      files: typeFiles,
    }),
  );
  typeCheck = run(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--pretty', 'false'],
    work,
  ).then(
    () => '',
    (error: Error) => error.message,
  );

  const steps = await eachLimited(packages, 3, async ({ dir, manifest }) => {
    const name = manifest.name as string;
    const slug = name.replace('@', '').replace('/', '-');
    const own = join(work, slug);
    mkdirSync(own);
    const tarball = run(
      'tar',
      ['-tzf', tarballs.find((f) => basename(f) === `${slug}-${manifest.version}.tgz`)!],
      work,
    );
    // Modules only: JSON files (`./package.json`, a schema) and file patterns (`./samples/*`) are data.
    const entries = Object.keys(manifest.exports).filter(
      (key) => !key.endsWith('.json') && !key.includes('*'),
    );
    writeFileSync(
      join(own, 'import-check.mjs'),
      `${entries
        .map(
          (entry, i) =>
            `import * as m${i} from '${join(name, entry)}';\nif (Object.keys(m${i}).length === 0) throw new Error('${entry} exports nothing');`,
        )
        .join('\n')}\nconsole.log('ok');\n`,
    );
    const imports = run(process.execPath, ['import-check.mjs'], own);
    // Each example in a folder of its own (the install's node_modules is found above it).
    writeFileSync(join(own, 'readme-example.ts'), readmeExample(dir));
    const example = run(
      process.execPath,
      [join(root, 'node_modules/tsx/dist/cli.mjs'), 'readme-example.ts'],
      own,
    );
    checks.set(name, { tarball, imports, example });
    await Promise.allSettled([tarball, imports, example]);
  });
  await Promise.allSettled(steps);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.each(packages.map((p, i) => [p.manifest.name as string, i] as const))(
  '%s installed from its tarball',
  (name, index) => {
    it('ships no tests, fixtures or sources, and has a README', async () => {
      const files = await checks.get(name)!.tarball;
      expect(files).toMatch(/package\/README\.md/);
      expect(files).toMatch(/package\/dist\/index\.js/);
      expect(files).not.toMatch(/\.test\.|__fixtures__|package\/src\//);
    });

    it('imports as ESM with every export map entry resolving', async () => {
      expect((await checks.get(name)!.imports).trim()).toBe('ok');
    });

    it('type-checks an import under NodeNext resolution', async () => {
      const errors = (await typeCheck)
        .split('\n')
        .filter(
          (line) =>
            line.includes(`types-check-${index}.ts`) ||
            (/error TS/.test(line) && !/types-check-\d+\.ts/.test(line)),
        );
      expect(errors).toEqual([]);
    });

    it("runs its README's example as written", async () => {
      expect((await checks.get(name)!.example).length).toBeGreaterThan(0);
    });
  },
);
