// Its errors are the pipeline's `TtsError`, shared by every text-to-speech plugin.
export { TtsError, type TtsErrorCode } from '@psrkit/pipeline';
export {
  createElevenLabsTts,
  type ElevenLabsSampleRate,
  type ElevenLabsTtsOptions,
  type ElevenLabsVoiceSettings,
} from './elevenlabs-tts.js';
