import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on `entry`, a module of this package: the built `.js` as it is,
 * or — running from the TypeScript sources (vitest, tsx) — the `.ts` through tsx's
 * `tsImport`, which a worker needs because Node 20 does not pass a parent's module hooks
 * (nor `--import` in `execArgv`) to the worker's own entry.
 */
export function startWorkerThread(entry: URL): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  const tsx = import.meta.resolve('tsx/esm/api');
  const url = JSON.stringify(entry.href);
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${url}, ${url}))`, {
    eval: true,
  });
}

/** A sibling module of `from` (an `import.meta.url`) with the same extension (`.js` built, `.ts` in sources). */
export function siblingModule(name: string, from: string): URL {
  const extension = from.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, from);
}
