export {
  type AudioProblem,
  type AudioProblemCode,
  inspectMp3,
  inspectWav,
} from './audio-checks.js';
export {
  type DecodeMode,
  EmulatedLine,
  type EmulatedLineOptions,
  type LineInterval,
} from './emulated-line.js';
export { type PlayedAction, playAction } from './play-action.js';
export { toMono8k } from './to-mono-8k.js';
