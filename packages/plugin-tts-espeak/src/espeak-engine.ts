// The eSpeak NG WASM engine of the current thread. Imported by the worker thread too,
// so it depends on nothing but the engine (no @psrkit/pipeline in every worker).
import createEspeakModule, { type ESpeakNGWorker } from '@echogarden/espeak-ng-emscripten';
import type { EngineInfo, SentenceJob } from './sentence-engine.js';

/** A loaded engine: its voices and rate, and one sentence at a time on this thread. */
export interface EspeakEngine extends EngineInfo {
  /**
   * Synthesises `job` synchronously, handing over each piece as the engine makes it
   * (a fresh `Int16Array` that owns its buffer, so it can be transferred).
   * @throws {Error} when the engine refuses the voice
   */
  speak(job: SentenceJob, onSamples: (pcm: Int16Array) => void): void;
}

let loading: Promise<EspeakEngine> | undefined;

/** The thread's engine: loaded once, on first use (24 MB of voice data; ~40 MB resident). */
export function loadEspeakEngine(): Promise<EspeakEngine> {
  loading ??= createEspeakModule().then(
    (module) => espeakEngine(new module.eSpeakNGWorker()),
    (cause: unknown) => {
      loading = undefined;
      throw cause;
    },
  );
  return loading;
}

function espeakEngine(worker: ESpeakNGWorker): EspeakEngine {
  return {
    voices: worker.list_voices().map((v) => v.identifier),
    sampleRate: worker.samplerate,
    speak(job, onSamples) {
      // The engine serves every speech of its thread: set everything per sentence.
      if (worker.set_voice(job.voice) !== 0) throw new Error(`set_voice(${job.voice}) failed`);
      worker.rate = job.rate;
      worker.pitch = job.pitch;
      // A truthy return would abort the sentence: this callback returns nothing.
      worker.synthesize(job.text, (samples) => {
        if (samples.length > 0) onSamples(samples);
      });
    },
  };
}
