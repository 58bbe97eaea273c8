// A worker thread of the synthesis pool: loads its own eSpeak NG engine, then synthesises
// the sentences the main thread sends, one at a time, posting the audio as it is made.
import { parentPort } from 'node:worker_threads';
import { loadEspeakEngine } from './espeak-engine.js';
import type { SentenceJob } from './sentence-engine.js';
import { lowerThreadPriority } from './thread-priority.js';
import type { WorkerReply } from './worker-messages.js';

const port = parentPort;
if (!port) throw new Error('espeak-worker runs in a worker thread');
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) =>
  port.postMessage(reply, transfer);

lowerThreadPriority();
// Failing to load throws here: the thread exits, and the pool learns it from its exit.
const engine = await loadEspeakEngine();
// One sentence before the first call's: the engine's code is compiled in this thread on its
// first use, which would delay that call's first audio by as much as a second.
for (const voice of ['gmw/en-US', 'aav/vi'])
  engine.speak({ text: 'Ready.', voice, rate: 165, pitch: 50 }, () => {});
port.on('message', (job: SentenceJob) => {
  try {
    engine.speak(job, (samples) =>
      post({ type: 'samples', samples }, [samples.buffer as ArrayBuffer]),
    );
  } catch (error) {
    post({ type: 'failed', message: (error as Error).message });
    return;
  }
  post({ type: 'done' });
});
post({ type: 'ready', voices: engine.voices, sampleRate: engine.sampleRate });
