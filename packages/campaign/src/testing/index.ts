export {
  describeCampaignEngineConformance,
  type EngineConformanceOptions,
} from './engine-conformance.js';
export type { TestApi } from './test-api.js';
export {
  allAttempts,
  quickPolicy,
  type ScriptedDialer,
  scriptedDialer,
  testContacts,
  testSpec,
  until,
} from './test-campaigns.js';
