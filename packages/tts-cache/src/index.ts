export { normaliseText } from './cache-key.js';
export type { TtsCacheLogger, TtsCacheStats } from './cache-monitor.js';
export type { TtsCacheOptions } from './cache-options.js';
export {
  compileTemplate,
  fillTemplate,
  type TemplateOptions,
  type TextTemplate,
} from './fill-template.js';
export { createTtsCache, type TtsCache } from './tts-cache.js';
export { TtsCacheError, type TtsCacheErrorCode } from './tts-cache-error.js';
