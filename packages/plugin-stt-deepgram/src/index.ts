// Its errors are the pipeline's `SttError`, shared by every speech-to-text plugin.
export { SttError, type SttErrorCode } from '@psrkit/pipeline';
export { createDeepgramStt, type DeepgramSttOptions } from './deepgram-stt.js';
