/**
 * Conformance kits for plugin authors: `describeStageConformance`, `describeTtsConformance`,
 * `describeMp3BackendConformance`, `describeSttConformance` and `describeTtsV2Conformance` each register a suite that
 * a plugin runs against itself, with any test runner (`{ describe, it, expect }`).
 */

export { type FakeChar, fakeSpeech } from './fake-speech.js';
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
export { createTestTts, type TestTts, type TestTtsOptions } from './test-tts.js';
export { describeTtsConformance, type TtsConformanceOptions } from './tts-conformance.js';
export {
  describeTtsV2Conformance,
  type TtsV2ConformanceOptions,
} from './tts-v2-conformance.js';
