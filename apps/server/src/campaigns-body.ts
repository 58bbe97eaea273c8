import {
  CAMPAIGN_ID,
  type CampaignCallSettings,
  CampaignError,
  type CampaignSpec,
  type Contact,
  type ContactDuplicate,
  type ContactProblem,
  FIELD_LIMITS,
  parseContacts,
  RESERVED_FIELD_NAMES,
} from '@psrkit/campaign';
import { checkExtension } from '@psrkit/protocol';
import { policyOfBody } from './campaigns-policy-body.js';

/** What is wrong with a create request: where (`path`, and a contact's `line`) and what. */
export interface BodyProblem {
  /** `id`, `policy.maxAttempts`, `call.botUrl`, `contacts`… */
  readonly path: string;
  /** The contacts text's line, for a contact's problem. */
  readonly line?: number;
  /** The contacts text's column, when the problem is about one. */
  readonly column?: string;
  /** A stable code: a contact problem's (`INVALID_PHONE`…), else `INVALID_BODY`. */
  readonly code: string;
  readonly message: string;
}

/** A create request that cannot be stored, with every problem found in it. */
export class CampaignBodyProblems extends Error {
  override readonly name = 'CampaignBodyProblems';
  constructor(readonly problems: readonly BodyProblem[]) {
    super(`the campaign has ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  }
}

/** A checked create request: what to store, whether to start it, what was left out. */
export interface CampaignCreation {
  readonly spec: CampaignSpec;
  readonly contacts: readonly Contact[];
  /** `false`: a draft; `true`: start now; a number: start then (ms since the epoch). */
  readonly start: boolean | number;
  /** Rows left out (only with `skipInvalid`; otherwise they are problems). */
  readonly skipped: readonly ContactProblem[];
  /** Rows with one phone number, merged into the first. */
  readonly duplicates: readonly ContactDuplicate[];
}

/** The settings of a campaign's calls that a request leaves out. */
export interface CallDefaults {
  /** The URL PSR dials back: the server's own (or its public URL). */
  readonly botUrl: string;
  readonly channel: NonNullable<CampaignCallSettings['channel']>;
}

const KEYS = [
  'id',
  'name',
  'policy',
  'call',
  'contacts',
  'format',
  'phoneColumn',
  'skipInvalid',
  'start',
];
const CALL_KEYS = ['botUrl', 'app', 'extension', 'channel', 'isSilence', 'parameter'];
const CHANNELS = ['stereo', 'mono_a', 'mono_b'] as const;
const MAX_NAME_CHARS = 200;

/** A problem of the body itself (not of a contact's row). */
const problem = (path: string, message: string): BodyProblem => ({
  path,
  code: 'INVALID_BODY',
  message: `${path}: ${message}`,
});

/**
 * Reads `POST /api/campaigns`'s body: `{ id, name?, policy?, call?, contacts, format?,
 * phoneColumn?, skipInvalid?, start? }` — the policy through `resolvePolicy`, the contacts
 * (CSV or JSON Lines text) through `parseContacts`. Every problem is collected, each contact
 * row's with its line; a row with a problem is one unless `skipInvalid`.
 * @throws {CampaignBodyProblems} listing them all
 */
export function campaignOfBody(
  body: Readonly<Record<string, unknown>>,
  defaults: CallDefaults,
): CampaignCreation {
  const problems: BodyProblem[] = Object.keys(body)
    .filter((key) => !KEYS.includes(key))
    .map((key) => problem(key.slice(0, 40), `not a field (${KEYS.join(', ')})`));
  const collect = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (error instanceof CampaignBodyProblems) problems.push(...error.problems);
      else if (CampaignError.isInstance(error))
        problems.push(problem(error.path ?? 'policy', error.message.replace(/^[\w.-]+: /, '')));
      else throw error;
      return undefined;
    }
  };
  const id = collect(() => idOf(body['id']));
  const name = collect(() => nameOf(body['name']));
  const policy = collect(() => policyOfBody(body['policy']));
  const call = collect(() => callOf(body['call'], defaults));
  const read = collect(() => contactsOf(body));
  const start = collect(() => startOf(body['start']));
  if (problems.length > 0 || !id || !policy || !call || !read || start === undefined)
    throw new CampaignBodyProblems(problems);
  return {
    spec: { id, ...(name !== undefined && { name }), policy, call },
    contacts: read.contacts,
    start,
    skipped: read.skipped,
    duplicates: read.duplicates,
  };
}

function idOf(value: unknown): string {
  if (typeof value !== 'string' || !CAMPAIGN_ID.test(value))
    throw fail('id', `give the campaign's id, matching ${CAMPAIGN_ID.source}`);
  return value;
}

function nameOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > MAX_NAME_CHARS)
    throw fail('name', `a text of at most ${MAX_NAME_CHARS} characters`);
  return value;
}

function startOf(value: unknown): boolean | number {
  if (value === undefined || typeof value === 'boolean') return value ?? false;
  const at =
    typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : Number.NaN;
  if (!Number.isSafeInteger(at) || at < 0)
    throw fail('start', 'true (now), false (a draft) or a time, e.g. "2026-01-05T08:00:00+07:00"');
  return at;
}

const fail = (path: string, message: string) => new CampaignBodyProblems([problem(path, message)]);

/** The call settings: the request's over the defaults; `audioFile` is not taken over HTTP. */
function callOf(value: unknown, defaults: CallDefaults): CampaignCallSettings {
  if (value === undefined) value = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fail('call', 'give the call settings as a JSON object');
  const given = value as Record<string, unknown>;
  const problems: BodyProblem[] = [];
  for (const key of Object.keys(given)) {
    if (key === 'audioFile')
      problems.push(problem('call.audioFile', 'a file on the server is not taken over HTTP'));
    else if (!CALL_KEYS.includes(key))
      problems.push(
        problem(`call.${key.slice(0, 40)}`, `not a call setting (${CALL_KEYS.join(', ')})`),
      );
  }
  const { botUrl = defaults.botUrl, app = 'bot', channel = defaults.channel } = given;
  const { isSilence = true, extension, parameter } = given;
  if (typeof botUrl !== 'string' || !/^wss?:\/\/\S+$/.test(botUrl))
    problems.push(problem('call.botUrl', 'a ws:// or wss:// URL PSR can reach'));
  if (app !== 'bot' && app !== 'dial') problems.push(problem('call.app', '"bot" or "dial"'));
  if (!CHANNELS.includes(channel as (typeof CHANNELS)[number]))
    problems.push(problem('call.channel', CHANNELS.join(', ')));
  if (typeof isSilence !== 'boolean') problems.push(problem('call.isSilence', 'true or false'));
  const ext = extensionOf(app, extension, problems);
  const fixed = parameterOf(parameter, problems);
  if (problems.length > 0) throw new CampaignBodyProblems(problems);
  return {
    botUrl: botUrl as string,
    app: app as 'bot' | 'dial',
    channel: channel as CallDefaults['channel'],
    isSilence: isSilence as boolean,
    ...(ext !== undefined && { extension: ext }),
    ...(fixed !== undefined && { parameter: fixed }),
  };
}

function extensionOf(app: unknown, value: unknown, problems: BodyProblem[]): string | undefined {
  if (value === undefined && app !== 'dial') return undefined;
  try {
    return checkExtension(String(value ?? ''), 'call.extension');
  } catch (error) {
    problems.push(
      problem('call.extension', (error as Error).message.replace(/^call\.extension:? ?/, '')),
    );
    return undefined;
  }
}

/** Fixed parameters every call carries: field names and values as contacts' are bounded. */
function parameterOf(value: unknown, problems: BodyProblem[]): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const entries = typeof value === 'object' && value !== null ? Object.entries(value) : [];
  if (entries.length === 0 || Array.isArray(value) || entries.length > FIELD_LIMITS.maxFields) {
    problems.push(
      problem('call.parameter', `an object of 1 to ${FIELD_LIMITS.maxFields} text values`),
    );
    return undefined;
  }
  for (const [key, field] of entries) {
    const path = `call.parameter.${key.slice(0, 40)}`;
    if (!FIELD_LIMITS.namePattern.test(key) || RESERVED_FIELD_NAMES.includes(key))
      problems.push(
        problem(
          path,
          `not a name a call can carry (${FIELD_LIMITS.namePattern.source}, not reserved)`,
        ),
      );
    else if (typeof field !== 'string' || field.length > FIELD_LIMITS.maxValueLength)
      problems.push(problem(path, `a text of at most ${FIELD_LIMITS.maxValueLength} characters`));
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The contacts text, read; its rows' problems are problems unless `skipInvalid`. */
function contactsOf(body: Readonly<Record<string, unknown>>) {
  const { contacts, format = 'csv', phoneColumn, skipInvalid = false } = body;
  if (typeof contacts !== 'string')
    throw fail('contacts', 'the contacts as CSV or JSON Lines text');
  if (format !== 'csv' && format !== 'jsonl') throw fail('format', '"csv" or "jsonl"');
  if (phoneColumn !== undefined && typeof phoneColumn !== 'string')
    throw fail('phoneColumn', 'the phone column’s name');
  if (typeof skipInvalid !== 'boolean') throw fail('skipInvalid', 'true or false');
  let read: ReturnType<typeof parseContacts>;
  try {
    read = parseContacts(contacts, { format, source: 'contacts', phoneColumn });
  } catch (error) {
    if (!CampaignError.isInstance(error)) throw error;
    throw fail('contacts', error.message.replace(/^contacts: /, ''));
  }
  const rows = read.problems.map(
    (p): BodyProblem => ({
      path: 'contacts',
      line: p.line,
      ...(p.column !== undefined && { column: p.column }),
      code: p.code,
      message: `contacts:${p.line}${p.column ? ` (${p.column})` : ''}: ${p.message}`,
    }),
  );
  if (rows.length > 0 && !skipInvalid) throw new CampaignBodyProblems(rows);
  if (read.contacts.length === 0) throw fail('contacts', 'no contact to call');
  return { contacts: read.contacts, skipped: read.problems, duplicates: read.duplicates };
}
