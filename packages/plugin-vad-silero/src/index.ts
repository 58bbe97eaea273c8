export type { SkipQuietOptions } from './quiet-gate.js';
export type { SileroBatchOptions } from './silero-batcher.js';
export {
  bundledModelPath,
  loadSileroVad,
  type OpenSileroVad,
  type SileroVad,
  type SileroVadOptions,
} from './silero-vad.js';
