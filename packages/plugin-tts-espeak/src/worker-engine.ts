import type { Worker } from 'node:worker_threads';
import { EspeakError } from './espeak-error.js';
import type {
  EngineInfo,
  SentenceEngine,
  SentenceJob,
  SentenceListener,
  StartEngine,
} from './sentence-engine.js';
import type { WorkerReply } from './worker-messages.js';
import { startWorkerThread } from './worker-thread.js';

/**
 * An engine in a worker thread of its own (`entry`: the worker module), holding its own
 * eSpeak NG (~60 MB resident with the thread). The thread keeps the process alive only
 * while it loads or synthesises: idle, it is unref'd. A thread that exits on its own (an
 * uncaught error, `process.exit`) reports `died`, never an error in the process.
 */
export function workerEngine(entry: URL): StartEngine {
  return (died) => new WorkerEngine(startWorkerThread(entry), died);
}

class WorkerEngine implements SentenceEngine {
  readonly ready: Promise<EngineInfo>;
  readonly #worker: Worker;
  #listener: SentenceListener | undefined;
  #closing = false;
  /** The uncaught error the thread stopped on, if any (`error` comes before `exit`). */
  #failure: Error | undefined;

  constructor(worker: Worker, died: (why: string) => void) {
    this.#worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          worker.unref();
          resolve({ voices: reply.voices, sampleRate: reply.sampleRate });
        } else this.#reply(reply);
      });
      worker.on('error', (error) => {
        this.#failure = error;
      });
      worker.on('exit', (code) => {
        const why = `the eSpeak NG worker thread stopped (exit code ${code}${this.#failure ? `: ${this.#failure.message}` : ''})`;
        const cause = this.#failure;
        reject(new EspeakError('ENGINE_FAILED', `eSpeak NG did not load: ${why}`, { cause }));
        if (!this.#closing) died(why);
      });
    });
  }

  run(job: SentenceJob, listener: SentenceListener): void {
    this.#listener = listener;
    this.#worker.ref();
    this.#worker.postMessage(job);
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#listener = undefined;
    await this.#worker.terminate();
  }

  #reply(reply: Exclude<WorkerReply, { type: 'ready' }>): void {
    const listener = this.#listener;
    if (!listener) return; // closed
    if (reply.type === 'samples') {
      listener.samples(reply.samples);
      return;
    }
    this.#listener = undefined;
    this.#worker.unref();
    if (reply.type === 'done') listener.done();
    else listener.failed(reply.message);
  }
}
