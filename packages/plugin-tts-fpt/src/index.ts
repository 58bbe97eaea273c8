// Its errors are the pipeline's `TtsError`, shared by every text-to-speech plugin.
export { TtsError, type TtsErrorCode } from '@psrkit/pipeline';
export { createFptTts } from './fpt-tts.js';
export { FPT_VOICES, type FptTtsOptions } from './fpt-tts-options.js';
