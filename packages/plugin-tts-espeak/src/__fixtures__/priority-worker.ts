// Lowers its own priority and says what it was before and after.
import { getPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../thread-priority.js';

// pid 0: Linux takes it as the calling thread.
const before = getPriority(0);
lowerThreadPriority();
parentPort?.postMessage({ before, after: getPriority(0) });
