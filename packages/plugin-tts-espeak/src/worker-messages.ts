// What the eSpeak worker thread and the main thread say to each other. The main thread
// sends one `SentenceJob` at a time and the next only after `done` or `failed`.
import type { EngineInfo } from './sentence-engine.js';

/** What the worker thread sends. */
export type WorkerReply =
  | ({ readonly type: 'ready' } & EngineInfo)
  /** A piece of the sentence, its buffer transferred (not copied). */
  | { readonly type: 'samples'; readonly samples: Int16Array }
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly message: string };
