// The real eSpeak worker, but for two sentences that make it crash: one throws an
// uncaught error in the thread, the other exits it.
import { parentPort } from 'node:worker_threads';
import type { SentenceJob } from '../sentence-engine.js';

// Registered before the real worker's listener, so it sees each sentence first.
parentPort?.on('message', (job: SentenceJob) => {
  if (job.text === 'Crash by throwing.') throw new Error('boom in the engine');
  if (job.text === 'Crash by exiting.') process.exit(7);
});
await import('../espeak-worker.js');
