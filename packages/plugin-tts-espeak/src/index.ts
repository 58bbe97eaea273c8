export {
  createEspeakTts,
  EspeakError,
  type EspeakErrorCode,
  type EspeakTtsOptions,
  splitSentences,
} from './espeak-tts.js';
