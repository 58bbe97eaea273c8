export type {
  CampaignEngine,
  CampaignSpec,
  DialReply,
  DialRequest,
} from '../campaign-engine.js';
