export {
  bundledModelPath,
  loadSileroVad,
  type OpenSileroVad,
  type SileroVad,
  type SileroVadOptions,
} from './silero-vad.js';
