export {
  type AudioProblem,
  type AudioProblemCode,
  inspectMp3,
  inspectWav,
} from './action-checks.js';
export {
  type ActionRecord,
  type CallEndRecord,
  type CallReport,
  type CallSummary,
  formatReport,
  reportToJson,
  type TimelineEntry,
  type UtteranceReport,
  type Violation,
} from './call-report.js';
export { loadCallerAudio, toMono8k } from './caller-audio-file.js';
export {
  type DecodeMode,
  EmulatedLine,
  type EmulatedLineOptions,
  type LineInterval,
} from './emulated-line.js';
export { SimulatorError, type SimulatorErrorCode } from './errors.js';
export { type FindUtterancesOptions, findUtterances, type Utterance } from './find-utterances.js';
export {
  chunkJitter,
  formatLoadSummary,
  type LoadOptions,
  type LoadSummary,
  runLoad,
} from './load.js';
export { type Percentiles, percentiles } from './percentiles.js';
export { type CallerSegment, type PlaceCallOptions, placeCall } from './place-call.js';
export {
  type CreateStreamRequest,
  type PsrApiEmulator,
  type PsrApiEmulatorOptions,
  startPsrApiEmulator,
} from './psr-api-emulator.js';
export {
  checkExpectations,
  type Expectation,
  type ExpectationResult,
  formatScenarioResult,
  loadScenario,
  parseScenario,
  runScenario,
  type Scenario,
  type ScenarioResult,
} from './scenario.js';
export { VERSION } from './version.js';
