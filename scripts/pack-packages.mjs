#!/usr/bin/env node
// Packs psrkit's packages from a built clone, as `pnpm publish` would upload them
// (`workspace:` and `catalog:` ranges rewritten), for installing with plain npm before
// they are on the registry:
//
//   node psrkit/scripts/pack-packages.mjs <out-dir> <package…>   the packages named, and
//                                        every workspace package they depend on
//   node psrkit/scripts/pack-packages.mjs <out-dir> --all        every publishable package
//
// The set is read from the workspace's manifests, never listed by hand. Tarballs of an
// earlier run (`psrkit-*.tgz`) are removed from <out-dir> first, so `npm install
// <out-dir>/*.tgz` installs exactly this set. A wrong argument is one line, exit code 2.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** A usage or state error: printed as one line, exit code 2. */
export class PackError extends Error {}

/** Every publishable (not private) workspace package: `{ name, dir, manifest }`. */
export function publishablePackages(workspace = root) {
  return ['packages', 'apps'].flatMap((group) => {
    const groupDir = join(workspace, group);
    if (!existsSync(groupDir)) return [];
    return readdirSync(groupDir)
      .map((name) => join(groupDir, name))
      .filter((dir) => existsSync(join(dir, 'package.json')))
      .map((dir) => ({
        dir,
        manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
      }))
      .filter(({ manifest }) => !manifest.private)
      .map(({ dir, manifest }) => ({ name: manifest.name, dir, manifest }));
  });
}

/** The workspace packages a package needs at run time: dependencies, required peers. */
function workspaceNeeds(manifest) {
  const optional = manifest.peerDependenciesMeta ?? {};
  const peers = Object.entries(manifest.peerDependencies ?? {}).filter(
    ([name]) => !optional[name]?.optional,
  );
  return [...Object.entries(manifest.dependencies ?? {}), ...peers]
    .filter(([, range]) => String(range).startsWith('workspace:'))
    .map(([name]) => name);
}

/**
 * The packages named and every workspace package they need, in workspace order.
 * @throws {PackError} for a name that is not a publishable package
 */
export function packageClosure(names, packages = publishablePackages()) {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const wanted = new Set();
  const visit = (name, from) => {
    if (wanted.has(name)) return;
    if (!byName.has(name))
      throw new PackError(
        `${name}${from ? ` (needed by ${from})` : ''} is not a publishable package of this workspace`,
      );
    wanted.add(name);
    for (const need of workspaceNeeds(byName.get(name).manifest)) visit(need, name);
  };
  for (const name of names) visit(name);
  return packages.filter((pkg) => wanted.has(pkg.name));
}

/** pnpm: the one running this script when started by pnpm, else the workspace's own version. */
function pnpmCommand() {
  const execPath = process.env['npm_execpath'];
  if (execPath && /pnpm/.test(execPath)) return [process.execPath, [execPath]];
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return ['npx', ['--yes', packageManager]];
}

/**
 * Packs `packages` into `out` (created; earlier `psrkit-*.tgz` removed) with one pnpm run.
 * @returns the tarballs' absolute paths, in the packages' order
 * @throws {PackError} when a package is not built
 */
export function packPackages(packages, out) {
  const unbuilt = packages.filter(({ dir }) => !existsSync(join(dir, 'dist')));
  if (unbuilt.length > 0)
    throw new PackError(
      `${unbuilt.map((pkg) => pkg.name).join(', ')} not built: run pnpm build in the clone first`,
    );
  const dest = resolve(out);
  mkdirSync(dest, { recursive: true });
  for (const file of readdirSync(dest)) if (/^psrkit-.*\.tgz$/.test(file)) rmSync(join(dest, file));
  const [command, prefix] = pnpmCommand();
  const filters = packages.flatMap(({ name }) => ['--filter', name]);
  try {
    execFileSync(command, [...prefix, '-r', ...filters, 'pack', '--pack-destination', dest], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
  } catch (error) {
    // pnpm prints its error (ERR_PNPM_…) on stdout: that line is the one to show.
    const printed = `${error.stdout ?? ''}\n${error.stderr ?? ''}`;
    const line = printed.split('\n').find((text) => /ERR_|error/i.test(text)) ?? error.message;
    throw new PackError(`pnpm pack failed: ${line.trim().replace(/\s+/g, ' ')}`);
  }
  return packages.map(({ name, manifest }) => {
    const file = join(dest, `${name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
    if (!existsSync(file)) throw new PackError(`pnpm pack wrote no ${file}`);
    return file;
  });
}

function main(args) {
  const [out, ...names] = args;
  if (!out || out.startsWith('-') || names.length === 0)
    throw new PackError('usage: pack-packages.mjs <out-dir> <package…> | --all');
  const all = publishablePackages();
  const chosen = names.includes('--all') ? all : packageClosure(names, all);
  const tarballs = packPackages(chosen, out);
  for (const file of tarballs) console.log(file);
  console.error(`packed ${tarballs.length} packages: ${chosen.map((p) => p.name).join(' ')}`);
}

// Run as a command (through a link to the clone too), not imported by the tests.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(
      `pack-packages: ${error instanceof PackError ? '' : 'failed: '}${String(error.message).split('\n')[0]}`,
    );
    process.exitCode = 2;
  }
}
