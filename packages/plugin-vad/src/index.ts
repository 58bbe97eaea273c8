export {
  type DetectTurnsOptions,
  detectTurns,
  type SuspicionEvent,
  type TurnEvent,
} from './detect-turns.js';
export { EnergyOnset, type OnsetOptions } from './energy-onset.js';
export { VadError, type VadErrorCode } from './errors.js';
export { levelDbfs, NoiseFloor } from './noise-floor.js';
export { type TurnTrace, traceTurns } from './trace-turns.js';
export type { OpenVad, OpenVadOptions, Vad, VadLevel, VadMode } from './vad.js';
export { createVadPlugin, type VadPluginOptions, type VadStageOptions } from './vad-plugin.js';
export {
  createWebRtcVad,
  loadWebRtcVad,
  type OpenWebRtcVad,
  type WebRtcVad,
  type WebRtcVadOptions,
} from './webrtc-vad.js';
