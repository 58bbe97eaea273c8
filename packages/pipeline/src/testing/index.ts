/**
 * Conformance kits for plugin authors: `describeStageConformance`, `describeTtsConformance`,
 * `describeMp3BackendConformance` and `describeSttConformance` each register a suite that
 * a plugin runs against itself, with any test runner (`{ describe, it, expect }`).
 */
export {
  describeMp3BackendConformance,
  type Mp3BackendConformanceOptions,
} from './mp3-backend-conformance.js';
export {
  type ConformanceOptions,
  describeStageConformance,
  testFrames,
} from './stage-conformance.js';
export { describeSttConformance, type SttConformanceOptions } from './stt-conformance.js';
export type { TestApi } from './test-api.js';
export { describeTtsConformance, type TtsConformanceOptions } from './tts-conformance.js';
