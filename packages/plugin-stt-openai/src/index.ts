export { type AiSdkSttOptions, createAiSdkStt } from './ai-sdk-stt.js';
export { createOpenAiStt, type OpenAiSttOptions } from './openai-stt.js';
export { SttError, type SttErrorCode } from './stt-error.js';
