// The line model lives in @psrkit/line (the server's recorder uses it too).
export {
  type AudioProblem,
  type AudioProblemCode,
  type DecodeMode,
  EmulatedLine,
  type EmulatedLineOptions,
  inspectMp3,
  inspectWav,
  type LineInterval,
  toMono8k,
} from '@psrkit/line';
export type { CallCloser, CallLogBase, CallLogEntry } from './call-log.js';
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
export {
  type CallReportData,
  callReportData,
  callReportHtml,
  type ReportEvent,
  reportEvents,
} from './call-report-html.js';
export {
  type AnnouncementType,
  CALLEE_TYPES,
  type CalleeAudio,
  type CalleeBehaviour,
  type CalleeLanguage,
  type CalleeMatch,
  type CalleeRule,
  type CalleeRules,
  type CalleeUtterance,
} from './callee-behaviour.js';
export { type CalleesFile, checkCallees, loadCallees } from './callees-file.js';
export { loadCallerAudio } from './caller-audio-file.js';
export { SimulatorError, type SimulatorErrorCode } from './errors.js';
export { type FindUtterancesOptions, findUtterances, type Utterance } from './find-utterances.js';
export {
  type CompareFirstAudioOptions,
  compareFirstAudio,
  type FirstAudioOptions,
  type FirstAudioResult,
  type FirstAudioRow,
  formatFirstAudioTable,
  measureFirstAudio,
  type Span,
  timedFirstAudio,
} from './first-audio.js';
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
  type EmulatedOutboundCall,
  type PsrApiEmulator,
  type PsrApiEmulatorOptions,
  startPsrApiEmulator,
} from './psr-api-emulator.js';
export type { KnownRecording } from './recording-index.js';
export { createSampleStt, type SampleSttOptions } from './sample-stt.js';
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
