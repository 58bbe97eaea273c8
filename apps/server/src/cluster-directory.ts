import type { Cluster, Worker } from 'node:cluster';
import {
  type CallCommand,
  type CallDirectory,
  type CallRef,
  type CommandResult,
  callKey,
  DirectoryBook,
  type DirectoryChange,
  HeldCalls,
  type LiveCall,
  noHolder,
  type Retention,
} from './call-directory.js';
import { postToPrimary, postToWorker } from './cluster-post.js';

/** The directory's messages between `--workers` and their primary (node:cluster IPC). */
type ToPrimary =
  | { readonly op: 'call'; readonly call: LiveCall }
  | {
      readonly op: 'send';
      readonly req: number;
      readonly call: CallRef;
      readonly command: CallCommand;
      readonly by: string;
    }
  | { readonly op: 'ran'; readonly req: number; readonly result: CommandResult };
type ToWorker =
  | { readonly op: 'change'; readonly change: DirectoryChange }
  | { readonly op: 'snapshot'; readonly calls: readonly LiveCall[] }
  | {
      readonly op: 'run';
      readonly req: number;
      readonly call: CallRef;
      readonly command: CallCommand;
      readonly by: string;
    }
  | { readonly op: 'result'; readonly req: number; readonly result: CommandResult };
type Envelope<T> = { readonly psrkitDirectory: T };

const isEnvelope = <T>(message: unknown): message is Envelope<T> =>
  typeof message === 'object' && message !== null && 'psrkitDirectory' in message;

/** How long a command may wait for the worker that holds the call. */
export const COMMAND_TIMEOUT_MS = 10_000;

/**
 * The primary's side of `--workers`: it keeps the one list of every worker's calls, sends
 * each worker the list and every change (each worker answers list and watch from its
 * copy), and routes a command to the worker that holds the call. A worker that dies takes
 * its calls with it: they end (`worker-exited`), and commands waiting on it fail.
 */
export function hostCallDirectory(cluster: Cluster, retention?: Retention): () => void {
  const book = new DirectoryBook(retention);
  const owners = new Map<string, { worker: number; call: CallRef }>(); // by call key
  const waiting = new Map<number, { from: Worker; req: number; holder: number }>();
  let nextReq = 1;
  const post = (worker: Worker | undefined, message: ToWorker) =>
    postToWorker(worker, { psrkitDirectory: message } satisfies Envelope<ToWorker>);
  const everyWorker = () => Object.values(cluster.workers ?? {}) as Worker[];
  const stopWatching = book.watch((change) => {
    for (const worker of everyWorker()) post(worker, { op: 'change', change });
  });

  const onMessage = (worker: Worker, message: unknown) => {
    if (!isEnvelope<ToPrimary>(message)) return;
    const m = message.psrkitDirectory;
    switch (m.op) {
      case 'call':
        if (!book.apply({ type: 'call', call: m.call })) return;
        if (m.call.state === 'closed') owners.delete(callKey(m.call));
        else owners.set(callKey(m.call), { worker: worker.id, call: m.call });
        return;
      case 'send': {
        const holder = owners.get(callKey(m.call))?.worker;
        const target = holder === undefined ? undefined : cluster.workers?.[holder];
        if (holder === undefined || !target?.isConnected())
          return post(worker, { op: 'result', req: m.req, result: noHolder(book, m.call) });
        const req = nextReq++;
        waiting.set(req, { from: worker, req: m.req, holder });
        return post(target, { op: 'run', req, call: m.call, command: m.command, by: m.by });
      }
      case 'ran': {
        const asked = waiting.get(m.req);
        if (!asked) return;
        waiting.delete(m.req);
        return post(asked.from, { op: 'result', req: asked.req, result: m.result });
      }
    }
  };
  const onOnline = (worker: Worker) => post(worker, { op: 'snapshot', calls: book.list() });
  const onExit = (worker: Worker) => {
    for (const [key, owner] of owners) {
      if (owner.worker !== worker.id) continue;
      owners.delete(key);
      const call = book.get(owner.call);
      if (call)
        book.apply({
          type: 'call',
          call: {
            ...call,
            state: 'closed',
            botSpeaking: false,
            end: {
              reason: 'worker-exited',
              durationMs: Date.now() - call.startedAt,
              at: Date.now(),
            },
          },
        });
    }
    for (const [req, asked] of waiting) {
      if (asked.holder !== worker.id) continue;
      waiting.delete(req);
      post(asked.from, {
        op: 'result',
        req: asked.req,
        result: { ok: false, status: 503, error: 'the worker holding the call exited' },
      });
    }
  };
  cluster.on('message', onMessage);
  cluster.on('online', onOnline);
  cluster.on('exit', onExit);
  return () => {
    cluster.off('message', onMessage);
    cluster.off('online', onOnline);
    cluster.off('exit', onExit);
    stopWatching();
  };
}

/**
 * A worker's directory under `--workers`: its calls go to the primary, the list and its
 * changes come back from it (so every worker's pages show every worker's calls), and a
 * command for a call another worker holds goes there through the primary.
 */
export function createWorkerDirectory(
  channel: Pick<NodeJS.Process, 'send' | 'connected' | 'on' | 'off'> = process,
  retention?: Retention,
): CallDirectory {
  const book = new DirectoryBook(retention);
  const held = new HeldCalls();
  const pending = new Map<number, (result: CommandResult) => void>();
  let nextReq = 1;
  const post = (message: ToPrimary) =>
    postToPrimary(channel, { psrkitDirectory: message } satisfies Envelope<ToPrimary>);
  const onMessage = (message: unknown) => {
    if (!isEnvelope<ToWorker>(message)) return;
    const m = message.psrkitDirectory;
    switch (m.op) {
      case 'change':
        return book.apply(m.change);
      case 'snapshot':
        for (const call of m.calls) book.apply({ type: 'call', call });
        return;
      case 'run': {
        const handler = held.handler(m.call);
        const ran = handler
          ? handler(m.command, m.by).catch(
              (error: unknown): CommandResult => ({
                ok: false,
                status: 503,
                error: (error as Error).message,
              }),
            )
          : Promise.resolve(noHolder(book, m.call));
        void ran.then((result) => post({ op: 'ran', req: m.req, result }));
        return;
      }
      case 'result':
        pending.get(m.req)?.(m.result);
        pending.delete(m.req);
        return;
    }
  };
  channel.on('message', onMessage);
  return {
    register(call, handler) {
      held.hold(call, handler);
      post({ op: 'call', call });
    },
    update(call) {
      if (call.state === 'closed') held.release(call);
      post({ op: 'call', call });
    },
    list: () => book.list(),
    get: (call) => book.get(call),
    watch: (listener) => book.watch(listener),
    send(call, command, by) {
      const req = nextReq++;
      return new Promise<CommandResult>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(req);
          resolve({ ok: false, status: 503, error: 'the worker holding the call did not answer' });
        }, COMMAND_TIMEOUT_MS);
        pending.set(req, (result) => {
          clearTimeout(timer);
          resolve(result);
        });
        post({ op: 'send', req, call, command, by });
      });
    },
    close() {
      channel.off('message', onMessage);
      for (const resolve of pending.values())
        resolve({ ok: false, status: 503, error: 'the server is stopping' });
      pending.clear();
      held.clear();
      book.clear();
    },
  };
}
