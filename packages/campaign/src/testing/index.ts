export {
  allAttempts,
  describeCampaignEngineConformance,
  type EngineConformanceOptions,
  quickPolicy,
  type ScriptedDialer,
  scriptedDialer,
  testContacts,
  testSpec,
  until,
} from './engine-conformance.js';
export type { TestApi } from './test-api.js';
