// The emulated PSR in a worker thread: its clock and line are not stalled with the bot's event
// loop (PSR is another machine), and its MP3 decoding does not compete with the bot's loop.
import { Worker } from 'node:worker_threads';
import type { CallerSegment } from '@psrkit/simulator';

/** One call to place: what the caller says, and how long the line stays up after it. */
export interface PlannedCall {
  readonly caller: readonly CallerSegment[];
  readonly tailMs: number;
}

/** A batch of calls placed at once against one server. */
export interface CallsRequest {
  readonly id: number;
  readonly url: string;
  readonly calls: readonly PlannedCall[];
  /** The barge-in measured is the first caller utterance starting at or after this, ms. */
  readonly overFromMs: number;
}

/** What one call's report says about barge-in and playout. */
export interface CallFigures {
  /** The caller's onset over the bot → the bot's last audible sound, ms (no barge-in: none). */
  readonly stopMs: number | undefined;
  readonly underrunCount: number;
  readonly underrunMs: number;
  /** Where each underrun began, ms after the first stream audio on the line. */
  readonly underrunsAtMs: readonly number[];
  /** Stream audio on the line, ms. */
  readonly streamMs: number;
  /** Audio queued at the caller as each chunk continuing a stream came, ms. */
  readonly margins: readonly number[];
  readonly violations: number;
}

/** The worker's answer to a {@link CallsRequest}. */
export type CallsAnswer =
  | { readonly id: number; readonly calls: readonly CallFigures[] }
  | { readonly id: number; readonly error: string };

/** Places batches of emulated calls from a worker thread. */
export interface EmulatedCallers {
  place(url: string, calls: readonly PlannedCall[], overFromMs: number): Promise<CallFigures[]>;
  close(): Promise<void>;
}

/** Starts the worker (TypeScript through tsx's loader, registered in the worker itself). */
export function startCallers(): EmulatedCallers {
  const loader = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./caller-worker.ts', import.meta.url).href);
  const worker = new Worker(
    `import(${loader}).then(({ register }) => { register(); return import(${entry}); })`,
    { eval: true },
  );
  const waiting = new Map<
    number,
    { resolve: (calls: CallFigures[]) => void; reject: (error: Error) => void }
  >();
  worker.on('message', (answer: CallsAnswer) => {
    const waiter = waiting.get(answer.id);
    waiting.delete(answer.id);
    if ('error' in answer) waiter?.reject(new Error(`emulated calls failed: ${answer.error}`));
    else waiter?.resolve([...answer.calls]);
  });
  worker.on('error', (error) => {
    for (const waiter of waiting.values()) waiter.reject(error);
    waiting.clear();
  });
  let nextId = 0;
  return {
    place: (url, calls, overFromMs) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, url, calls, overFromMs } satisfies CallsRequest);
      }),
    close: () => worker.terminate().then(() => undefined),
  };
}
