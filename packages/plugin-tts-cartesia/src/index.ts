// Its errors are the pipeline's `TtsError`, shared by every text-to-speech plugin.
export { TtsError, type TtsErrorCode } from '@psrkit/pipeline';
export {
  type CartesiaSampleRate,
  type CartesiaTts,
  type CartesiaTtsOptions,
  createCartesiaTts,
} from './cartesia-tts.js';
