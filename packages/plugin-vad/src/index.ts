export { type DetectTurnsOptions, detectTurns, type TurnEvent } from './detect-turns.js';
export { VadError, type VadErrorCode } from './errors.js';
export { createVadPlugin, type VadStageOptions } from './vad-plugin.js';
export {
  createWebRtcVad,
  loadWebRtcVad,
  type OpenVad,
  type VadMode,
  type WebRtcVad,
  type WebRtcVadOptions,
} from './webrtc-vad.js';
