// Every publishable package installs on its own: its tarball (packed once per run, as it
// would be published: tests/setup/packed-packages.ts), installed with plain npm into a
// directory outside the workspace with the others, then each package imported,
// type-checked under NodeNext, and its README's first example run as written — a
// TypeScript example with tsx, a server it starts until SIGTERM stops it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishablePackages, type WorkspacePackage } from '../scripts/pack-packages.mjs';
import { docBlocks, firstExample } from './fixtures/doc-blocks.js';
import { runDoc } from './fixtures/doc-run.js';
import { eachLimited } from './fixtures/each-limited.js';
import { freePort } from './fixtures/free-port.js';
import { packed, root } from './fixtures/packed.js';
import { run, userEnv } from './fixtures/run-command.js';

const packages = publishablePackages(root);
// As @psrkit/plugin-vad-silero's README says: onnxruntime-node's install script would
// fetch CUDA libraries from outside the registry; its CPU runtime is in the package.
const env = userEnv({ ONNXRUNTIME_NODE_INSTALL: 'skip' });

let work: string;

/** Runs a package's README's first example in `own` (`work` for a server it starts). */
async function runExample({ dir, manifest }: WorkspacePackage, own: string): Promise<string> {
  const readme = relative(root, join(dir, 'README.md'));
  const example = firstExample(docBlocks(root, readme, 'example'));
  if (!example) throw new Error(`${readme} has no first example (a ts block, or a server)`);
  if (example.role.kind === 'background') {
    const { stopped } = await runDoc([example], {
      cwd: work,
      mode: 'tarballs',
      port: await freePort(),
      env,
    });
    return `${manifest.name}: started, stopped by SIGTERM with code ${stopped[0]?.stop.code}`;
  }
  writeFileSync(join(own, 'readme-example.ts'), example.code);
  return run(
    process.execPath,
    [join(root, 'node_modules/tsx/dist/cli.mjs'), 'readme-example.ts'],
    own,
    env,
  );
}

/** A module that imports every entry of the export map (data entries aside). */
function importCheck(name: string, exports: Record<string, unknown>): string {
  // Modules only: JSON files (`./package.json`, a schema) and file patterns (`./samples/*`) are data.
  const entries = Object.keys(exports).filter(
    (key) => !key.endsWith('.json') && !key.includes('*'),
  );
  const lines = entries.map(
    (entry, i) =>
      `import * as m${i} from '${join(name, entry)}';\nif (Object.keys(m${i}).length === 0) throw new Error('${entry} exports nothing');`,
  );
  return `${lines.join('\n')}\nconsole.log('ok');\n`;
}

/** One type-check program for every package: an import of each, in a file of its own. */
function typeCheck(): Promise<string> {
  const files = packages.map(({ name }, i) => {
    const file = `types-check-${i}.ts`;
    writeFileSync(
      join(work, file),
      `import * as pkg from '${name}';\nexport const keys: string[] = Object.keys(pkg);\n`,
    );
    return file;
  });
  const compilerOptions = {
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: ['node'],
  };
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  return run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], work, env).then(
    () => '',
    (error: Error) => error.message,
  );
}

/** Each package's checks, run side by side once the tarballs are installed. */
const checks = new Map<
  string,
  { tarball: Promise<string>; imports: Promise<string>; example: Promise<string> }
>();
let typeErrors: Promise<string>;

beforeAll(async () => {
  const { tarballs } = packed();
  work = mkdtempSync(join(tmpdir(), 'psrkit-install-'));
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify({ name: 'install-check', private: true, type: 'module' }),
  );
  const all = packages.map(({ name }) => tarballs[name]!);
  await run('npm', ['install', ...all, '@types/node@20'], work, env);
  typeErrors = typeCheck();
  const steps = await eachLimited(packages, 3, async (pkg) => {
    const own = join(work, pkg.name.replace('@', '').replace('/', '-'));
    mkdirSync(own);
    writeFileSync(join(own, 'import-check.mjs'), importCheck(pkg.name, pkg.manifest.exports));
    const tarball = run('tar', ['-tzf', tarballs[pkg.name]!], work, env);
    const imports = run(process.execPath, ['import-check.mjs'], own, env);
    // Each example in a folder of its own (the install's node_modules is found above it).
    const example = runExample(pkg, own);
    checks.set(pkg.name, { tarball, imports, example });
    await Promise.allSettled([tarball, imports, example]);
  });
  await Promise.allSettled(steps);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.each(packages.map((p, i) => [p.name, i] as const))(
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
      const errors = (await typeErrors)
        .split('\n')
        .filter(
          (line) =>
            line.includes(`types-check-${index}.ts`) ||
            (/error TS/.test(line) && !/types-check-\d+\.ts/.test(line)),
        );
      expect(errors).toEqual([]);
    });

    it("runs its README's first example as written", async () => {
      expect((await checks.get(name)!.example).length).toBeGreaterThan(0);
    });
  },
);
