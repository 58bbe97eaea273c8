// Its errors are the pipeline's `TtsError`, shared by every text-to-speech plugin.
export { TtsError, type TtsErrorCode } from '@psrkit/pipeline';
export { createOpenAiTts } from './openai-tts.js';
export { OPENAI_VOICES, type OpenAiTtsOptions } from './openai-tts-options.js';
