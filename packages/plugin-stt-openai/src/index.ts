// Its errors are the pipeline's `SttError`, shared by every speech-to-text plugin.
export { SttError, type SttErrorCode } from '@psrkit/pipeline';
export { type AiSdkSttOptions, createAiSdkStt } from './ai-sdk-stt.js';
export { createOpenAiStt, type OpenAiSttOptions } from './openai-stt.js';
