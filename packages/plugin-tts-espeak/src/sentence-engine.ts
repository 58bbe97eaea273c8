// What the synthesis pool runs sentences on: an eSpeak NG engine in a worker thread
// (worker-engine.ts) or on the calling thread (inline-engine.ts).

/** One sentence to synthesise, with everything the engine must be set to for it. */
export interface SentenceJob {
  readonly text: string;
  /** An eSpeak identifier (`gmw/en-US`), already checked. */
  readonly voice: string;
  readonly rate: number;
  readonly pitch: number;
}

/** What a loaded engine offers. */
export interface EngineInfo {
  /** eSpeak identifiers of its voices. */
  readonly voices: readonly string[];
  /** Rate of the PCM it makes (22 050 Hz). */
  readonly sampleRate: number;
}

/** Where an engine reports one sentence: samples as they are made, then `done` or `failed`. */
export interface SentenceListener {
  samples(pcm: Int16Array): void;
  done(): void;
  /** The engine refused the sentence (it goes on serving others). */
  failed(message: string): void;
}

/** An engine that synthesises one sentence at a time. */
export interface SentenceEngine {
  /** Resolves once loaded; rejects with `EspeakError` `ENGINE_FAILED` when it cannot load. */
  readonly ready: Promise<EngineInfo>;
  /** Synthesises `job` (only once ready, one at a time), reporting to `listener`. */
  run(job: SentenceJob, listener: SentenceListener): void;
  /** Stops the engine; it reports nothing more and does not count as died. */
  close(): Promise<void>;
}

/**
 * Starts an engine. It calls `died` once if it stops on its own (a crashed worker, an
 * engine that did not load), with why; not after `close()`.
 */
export type StartEngine = (died: (why: string) => void) => SentenceEngine;
