export { EspeakError, type EspeakErrorCode } from './espeak-error.js';
export { createEspeakTts, type EspeakTtsOptions } from './espeak-tts.js';
export { splitSentences } from './split-sentences.js';
