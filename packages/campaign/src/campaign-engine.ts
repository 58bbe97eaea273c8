import type { PsrChannel } from '@psrkit/protocol';
import type { AttemptRecord, CampaignPolicy, Contact, Outcome } from './campaign-types.js';

/**
 * A campaign's lifecycle: `draft → scheduled → running ⇄ paused → completed | cancelled`
 * (`scheduled` only when a start time lies ahead; a draft may also be cancelled).
 */
export type CampaignState =
  | 'draft'
  | 'scheduled'
  | 'running'
  | 'paused'
  | 'completed'
  | 'cancelled';

/** How every call of a campaign is placed through create-stream (secrets excepted). */
export interface CampaignCallSettings {
  /** The `url` given to create-stream: the bot's `ws://` or `wss://` address PSR dials back. */
  readonly botUrl: string;
  /** `bot` (default): PSR calls the contact and streams the call to the bot. */
  readonly app?: 'bot' | 'dial';
  /** With `app: 'dial'`: the extension that places the call. */
  readonly extension?: string;
  /** The call's channel layout (PSR's default `stereo`). */
  readonly channel?: PsrChannel;
  /** `true`: no `audio_file` plays first. */
  readonly isSilence?: boolean;
  /** A WAV file played to the contact once they answer (a path on the dialling machine). */
  readonly audioFile?: string;
  /** Parameters every call carries, beside the contact's own fields and the ids. */
  readonly parameter?: Readonly<Record<string, string>>;
}

/** What a campaign is: its id, how it dials, and how its calls are placed. */
export interface CampaignSpec {
  /** `^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`: it travels in every call as `campaign_id`. */
  readonly id: string;
  /** For people. */
  readonly name?: string;
  /** How it dials: pace, hours, attempts. */
  readonly policy: CampaignPolicy;
  /** How its calls are placed. */
  readonly call: CampaignCallSettings;
}

/** How many contacts and attempts a campaign has where. */
export interface CampaignCounts {
  /** Contacts in all. */
  readonly contacts: number;
  /** Contacts waiting for their next attempt. */
  readonly pending: number;
  /** Attempts dialled and not settled yet. */
  readonly inFlight: number;
  /** Contacts done with: reached, or out of attempts, or final. */
  readonly settled: number;
  /** Attempts dialled (or settled without a dial: suppressed). */
  readonly attempts: number;
  /** Attempts by outcome. */
  readonly outcomes: Readonly<Partial<Record<Outcome, number>>>;
}

/** A campaign as stored: its spec, where it is in its lifecycle, and its figures. */
export interface CampaignInfo {
  /** What it is. */
  readonly spec: CampaignSpec;
  /** Where it is in its lifecycle. */
  readonly state: CampaignState;
  /** When it was stored, ms since the epoch. */
  readonly createdAt: number;
  /** When it is to start (a `scheduled` campaign), or started. */
  readonly startAt?: number;
  /** When it completed or was cancelled. */
  readonly endedAt?: number;
  /** Its contacts and attempts, counted. */
  readonly counts: CampaignCounts;
}

/** One dial: the contact, the attempt, and the parameters the call will carry. */
export interface DialRequest {
  /** The campaign dialling. */
  readonly campaign: CampaignSpec;
  /** Who to call. */
  readonly contact: Contact;
  /** The attempt's stable id (the call carries it as `attempt_id`). */
  readonly attemptId: string;
  /** 1 for the contact's first attempt. */
  readonly attempt: number;
  /** Everything the call carries: fixed parameters, the contact's fields and the ids. */
  readonly parameter: Readonly<Record<string, string>>;
}

/** create-stream's answer for a dial. */
export interface DialReply {
  /** PSR's `call_id`. */
  readonly callId: string;
  /** Where PSR keeps the streamed leg's recording. */
  readonly recordingUrl?: string;
  /** Where PSR keeps the whole call's recording. */
  readonly fullRecordingUrl?: string;
}

/**
 * Places one call (create-stream, in production); throws when it was refused. A refusal
 * whose error carries a `code` (e.g. `PsrApiError`) is recorded with it.
 */
export type Dialer = (request: DialRequest) => Promise<DialReply>;

/** How a call of the campaign ended, as the server that held it saw it. */
export interface CallEndReport {
  /** When it ended, ms since the epoch. */
  readonly at: number;
  /** What the attempt came to. */
  readonly outcome: Outcome;
  /** Why, in a few words. */
  readonly reason: string;
  /** The bot's own result fields. */
  readonly result?: Readonly<Record<string, string>>;
  /** The answer detector's verdict. */
  readonly verdict?: string;
}

/** Something that happened in a campaign (progress bars, live pages). */
export type CampaignEvent =
  | { readonly type: 'state-changed'; readonly campaignId: string; readonly state: CampaignState }
  | {
      readonly type: 'attempt-changed';
      readonly campaignId: string;
      readonly attempt: AttemptRecord;
    };

/**
 * Where campaigns live and how they are dialled: the embedded engine (one process, a
 * database file) or BullMQ over Redis (several processes share each campaign and its
 * limits). Both pass the same conformance suite.
 */
export interface CampaignEngine {
  /** Stores a new campaign as a draft with its contacts; an id already stored is refused. */
  create(spec: CampaignSpec, contacts: readonly Contact[]): Promise<CampaignInfo>;
  /** Adds contacts to a campaign; ids it holds already are left as they are. */
  addContacts(id: string, contacts: readonly Contact[]): Promise<{ added: number; known: number }>;
  /** A stored campaign, or undefined. */
  get(id: string): Promise<CampaignInfo | undefined>;
  /** Every stored campaign, oldest first. */
  list(): Promise<CampaignInfo[]>;
  /** Starts a draft now, or schedules it (`at` ahead). */
  start(id: string, at?: number): Promise<CampaignInfo>;
  /** No new dials; calls under way go on. */
  pause(id: string): Promise<CampaignInfo>;
  /** Dials again after a pause. */
  resume(id: string): Promise<CampaignInfo>;
  /** No new dials ever; calls under way go on and are recorded. */
  cancel(id: string): Promise<CampaignInfo>;
  /** Every attempt of a campaign, in the order they were dialled. */
  attempts(id: string): AsyncIterable<AttemptRecord>;
  /** Numbers never to call (checked right before each dial), normalised. */
  suppress(phones: readonly string[]): Promise<void>;
  /** A call carrying this `attempt_id` reached the bot. Unknown ids are ignored (false). */
  callAnswered(attemptId: string, at: number): Promise<boolean>;
  /** A call carrying this `attempt_id` ended. Unknown or settled ids are ignored (false). */
  callEnded(attemptId: string, end: CallEndReport): Promise<boolean>;
  /** Dials due contacts of running campaigns until `signal` aborts. */
  run(dialer: Dialer, signal: AbortSignal): Promise<void>;
  /** Listens to every campaign's events; returns the way to stop. */
  watch(listener: (event: CampaignEvent) => void): () => void;
  /** Lets go of the store (its file, its connections). */
  close(): Promise<void>;
}
