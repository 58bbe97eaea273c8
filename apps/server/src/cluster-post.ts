// Messages between a `--workers` primary and its workers go over node:cluster's IPC channel.
// A send without a callback turns a channel that closes under it (the other side exited
// between the check and the write) into an 'error' event nobody listens for, which would
// end the process. These two send with a callback that drops the message instead: each
// side learns of the other's exit on its own ('exit', 'disconnect').
import type { Worker } from 'node:cluster';

const dropUndelivered = (_error: Error | null): void => {};

/** Sends `message` to `worker` if it is still there; a message it can no longer take is dropped. */
export function postToWorker(worker: Worker | undefined, message: object): void {
  if (worker?.isConnected()) worker.send(message, undefined, dropUndelivered);
}

/** Sends `message` to the primary while the worker's channel is open; else, or if it closes, drops it. */
export function postToPrimary(
  channel: Pick<NodeJS.Process, 'send' | 'connected'>,
  message: object,
): void {
  if (channel.connected) channel.send?.(message, undefined, undefined, dropUndelivered);
}
