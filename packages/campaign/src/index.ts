export {
  type CallEndCause,
  outcomeOfCall,
  VERDICT_FIELD,
  VERDICT_KIND_FIELD,
} from './call-outcome.js';
export { DEFAULT_SCHEDULE, isOpen, nextOpening } from './calling-window.js';
export {
  type CampaignCallHooks,
  type CampaignCallView,
  followCampaignCalls,
} from './campaign-calls.js';
export type {
  CallEndReport,
  CampaignCallSettings,
  CampaignCounts,
  CampaignEngine,
  CampaignEvent,
  CampaignInfo,
  CampaignSpec,
  CampaignState,
  Dialer,
  DialReply,
  DialRequest,
} from './campaign-engine.js';
export { CAMPAIGN_ID, checkCampaignSpec } from './campaign-spec.js';
export {
  type AttemptPhase,
  type AttemptRecord,
  type CallingSchedule,
  type CallingWindow,
  type CampaignPolicy,
  type Contact,
  OUTCOMES,
  type Outcome,
  RETRYABLE_OUTCOMES,
  type RetryableOutcome,
  type RetryDelay,
} from './campaign-types.js';
export { type Clock, systemClock } from './clock.js';
export {
  cleanFieldValue,
  FIELD_LIMITS,
  ID_COLUMNS,
  normaliseFieldName,
  PHONE_COLUMNS,
  RESERVED_FIELD_NAMES,
} from './contact-fields.js';
export type {
  ContactDuplicate,
  ContactImport,
  ContactProblem,
  ContactProblemCode,
  ParseContactsOptions,
} from './contact-import.js';
export { parseContacts } from './contacts.js';
export { type ReadContactsFileOptions, readContactsFile } from './contacts-file.js';
export {
  type CreateStreamDialerOptions,
  createStreamDialer,
  destinationOf,
} from './create-stream-dialer.js';
export { dialParameters, MAX_PARAMETER_CHARS } from './dial-parameters.js';
export { formatDuration, parseDuration } from './duration.js';
export { createEmbeddedEngine, type EmbeddedEngineOptions } from './embedded-engine.js';
export { CampaignError, type CampaignErrorCode } from './errors.js';
export { isFinished, type LifecycleCommand, nextState } from './lifecycle.js';
export { normalisePhone, type PhoneResult } from './phone-number.js';
export { type RedisErrorReporter, redactRedisUrl } from './redis-connection.js';
export { createRedisEngine, type RedisEngineOptions } from './redis-engine.js';
export {
  ATTEMPT_COLUMNS,
  attemptCsvHeader,
  attemptCsvRow,
  attemptDurations,
  attemptJsonLine,
  csvCell,
} from './results-csv.js';
export { exportResults, openResultsFile, type ResultsFile } from './results-file.js';
export {
  ADVERTISING_MIN_GAP_MS,
  type CampaignPolicyInput,
  DEFAULT_POLICY,
  type NextAttempt,
  nextAttempt,
  parseRetryAfter,
  resolvePolicy,
} from './retry-policy.js';
export {
  type CampaignSummary,
  formatSummary,
  type OutcomeCounts,
  summarise,
} from './summary.js';
export { checkSchedule, formatSchedule, parseWindows } from './window-spec.js';
