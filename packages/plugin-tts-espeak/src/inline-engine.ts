import { type EspeakEngine, loadEspeakEngine } from './espeak-engine.js';
import { EspeakError } from './espeak-error.js';
import type { StartEngine } from './sentence-engine.js';

/**
 * The engine on the calling thread (`threads: 0`, the old way): one per process, each
 * sentence synthesised in a turn of its own (`setImmediate`), so other calls' audio
 * flows between sentences but not during one.
 */
export const inlineEngine: StartEngine = (died) => {
  let engine: EspeakEngine | undefined;
  let closed = false;
  const ready = loadEspeakEngine().then(
    (loaded) => {
      engine = loaded;
      return { voices: loaded.voices, sampleRate: loaded.sampleRate };
    },
    (cause: unknown) => {
      const message = `eSpeak NG did not load: ${(cause as Error).message}`;
      if (!closed) died(message);
      throw new EspeakError('ENGINE_FAILED', message, { cause });
    },
  );
  return {
    ready,
    run(job, listener) {
      setImmediate(() => {
        if (closed || !engine) return;
        try {
          engine.speak(job, (pcm) => listener.samples(pcm));
        } catch (error) {
          listener.failed((error as Error).message);
          return;
        }
        listener.done();
      });
    },
    async close() {
      closed = true;
    },
  };
};
