export {
  type AnswerDetector,
  createAnswerDetector,
  createCadenceDetector,
  createTranscriptDetector,
} from './answer-detector.js';
export {
  ANSWERED_BY_FIELD,
  ANSWERED_BY_KIND_FIELD,
  type AnswerMode,
  answerModeOf,
  DETECT_ANSWER_PARAM,
  isAnswerMode,
  isMachine,
  verdictResultFields,
} from './answer-mode.js';
export {
  type AnswerCall,
  type AnswerLogger,
  type AnswerOnCall,
  type AnswerOnCallOptions,
  answerOnCall,
} from './answer-on-call.js';
export type { DetectorMode } from './arbitrate.js';
export { BEEP_DEFAULTS, type BeepOptions } from './beep-tracker.js';
export { CADENCE_DEFAULTS, type CadenceOptions } from './cadence-options.js';
export { detectAnswer } from './detect-answer.js';
export type {
  AnswerDetectorOptions,
  GreetingEndOptions,
  TranscriptOptions,
} from './detector-options.js';
export { AnswerDetectError, type AnswerDetectErrorCode } from './errors.js';
export { normaliseWords } from './normalise-text.js';
export {
  defaultPhraseLists,
  englishPhrases,
  type Phrase,
  type PhraseList,
  parsePhraseList,
  vietnamesePhrases,
} from './phrase-list.js';
export type {
  AnnouncementKind,
  AnswerCause,
  AnswerEvent,
  AnswerEvidence,
  AnswerKind,
  AnswerVerdict,
  AnswerVerdictFields,
  Beep,
  GreetingEnd,
  PhraseMatch,
  TimelineSegment,
} from './verdict.js';
export { type AnswerWatch, watchAnswer } from './watch-answer.js';
