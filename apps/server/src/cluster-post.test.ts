import { spawn } from 'node:child_process';
import type { Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { postToPrimary, postToWorker } from './cluster-post.js';

/**
 * An IPC end whose send fails as Node's does when the other side has gone between the
 * check and the write: the error goes to the callback if there is one, else it is
 * emitted as 'error' (which, unheard, would end the process).
 */
function failingChannel() {
  const end = Object.assign(new EventEmitter(), {
    connected: true,
    isConnected: () => true,
    sent: 0,
    send(message: unknown, ...rest: unknown[]) {
      end.sent++;
      const callback = rest.findLast((a) => typeof a === 'function') as
        | ((error: Error) => void)
        | undefined;
      const error = new Error(`write EPIPE (${JSON.stringify(message)})`);
      process.nextTick(() => (callback ? callback(error) : end.emit('error', error)));
      return false;
    },
  });
  return end;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('messages between a --workers primary and its workers', () => {
  it('a message the other side can no longer take is dropped, not raised as an error', async () => {
    const worker = failingChannel();
    const primary = failingChannel();
    const errors: unknown[] = [];
    worker.on('error', (e) => errors.push(e));
    primary.on('error', (e) => errors.push(e));
    postToWorker(worker as unknown as Worker, { op: 'change' });
    postToPrimary(primary as never, { op: 'load' });
    await settle();
    expect([worker.sent, primary.sent]).toEqual([1, 1]);
    expect(errors).toEqual([]);
  });

  it('nothing is sent on a closed channel, or to no worker', () => {
    const worker = Object.assign(failingChannel(), { isConnected: () => false });
    const primary = Object.assign(failingChannel(), { connected: false });
    postToWorker(worker as unknown as Worker, { op: 'change' });
    postToWorker(undefined, { op: 'change' });
    postToPrimary(primary as never, { op: 'load' });
    expect([worker.sent, primary.sent]).toEqual([0, 0]);
  });

  it('a real child that exits while messages go to it raises no error in the sender', async () => {
    const child = spawn(process.execPath, ['-e', "process.on('message', () => process.exit(0))"], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const errors: unknown[] = [];
    child.on('error', (e) => errors.push(e));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const handle = { isConnected: () => child.connected, send: child.send.bind(child) };
    try {
      let gone = false;
      void exited.then(() => {
        gone = true;
      });
      while (!gone) {
        postToWorker(handle as unknown as Worker, { op: 'change', big: 'x'.repeat(4096) });
        await settle();
      }
      postToWorker(handle as unknown as Worker, { op: 'change' });
      await settle();
      expect(errors).toEqual([]);
    } finally {
      child.kill();
    }
  });
});
