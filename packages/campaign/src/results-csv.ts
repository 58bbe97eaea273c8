import type { AttemptRecord } from './campaign-types.js';

/** The columns every results row has, in order; result and contact columns follow. */
export const ATTEMPT_COLUMNS = [
  'contact_id',
  'phone',
  'attempt',
  'outcome',
  'reason',
  'call_id',
  'attempt_id',
  'campaign_id',
  'dialled_at',
  'answered_at',
  'ended_at',
  'ring_ms',
  'talk_ms',
  'verdict',
  'recording_url',
  'full_recording_url',
] as const;

/** A cell that needs quotes (RFC 4180; `;` too, for spreadsheets that split on it). */
const NEEDS_QUOTES = /[",;\r\n]/;
/** What a spreadsheet may take for the start of a formula (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A sign and digits alone: a number to every spreadsheet, no formula can hide in it. */
const SIGNED_NUMBER = /^[+-]\d+(\.\d+)?$/;

/**
 * One CSV cell: RFC 4180 quoting (a cell with `"`, `,`, `;` or a line break is quoted, its
 * quotes doubled) and spreadsheet-formula neutralisation: text starting with `=`, `+`, `-`,
 * `@`, a tab or a carriage return gets a leading `'`, so that a contact's or a bot's text
 * (`=HYPERLINK(…)`) is shown, never run. A sign followed by digits only (an E.164 phone
 * number, `+84912345678`, or `-5`) is left as it is: it is a number to a spreadsheet and
 * carries no formula, and the phone stays usable as written. Numbers are written as they are;
 * undefined is an empty cell.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) && !SIGNED_NUMBER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Column names for the bot's result keys and the contact's fields: a result key keeps its
 * name unless a fixed column has it (then `result.<key>`); contact fields are `contact.<name>`.
 */
function extraColumns(resultKeys: readonly string[], contactKeys: readonly string[]): string[] {
  const taken = new Set<string>(ATTEMPT_COLUMNS);
  const unique = (name: string, prefix: string) => {
    let column = name;
    while (taken.has(column)) column = `${prefix}.${column}`;
    taken.add(column);
    return column;
  };
  return [
    ...resultKeys.map((key) => unique(key, 'result')),
    ...contactKeys.map((key) => unique(`contact.${key}`, 'contact')),
  ];
}

/**
 * The header line of a results CSV (no line break): {@link ATTEMPT_COLUMNS}, then a column
 * per bot result key, then one per contact field (`contact.<name>`), as the caller chooses
 * them (the same lists for every row).
 */
export function attemptCsvHeader(
  resultKeys: readonly string[],
  contactKeys: readonly string[] = [],
): string {
  return [...ATTEMPT_COLUMNS, ...extraColumns(resultKeys, contactKeys)].map(csvCell).join(',');
}

/** An ISO 8601 UTC time (`2025-06-02T01:00:00.000Z`), or undefined. */
function isoTime(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/**
 * How long it rang (dialled to answered; dialled to ended when it was not answered) and how
 * long the call lasted once answered (answered to ended); undefined when not known yet.
 */
export function attemptDurations(record: AttemptRecord): { ringMs?: number; talkMs?: number } {
  const { dialledAt, answeredAt, endedAt } = record;
  const ringEnd = answeredAt ?? endedAt;
  return {
    ...(ringEnd === undefined ? {} : { ringMs: Math.max(0, ringEnd - dialledAt) }),
    ...(answeredAt === undefined || endedAt === undefined
      ? {}
      : { talkMs: Math.max(0, endedAt - answeredAt) }),
  };
}

/** The fixed columns' values of an attempt, by {@link ATTEMPT_COLUMNS} name. */
function fixedValues(
  record: AttemptRecord,
): Record<(typeof ATTEMPT_COLUMNS)[number], string | number | undefined> {
  const { ringMs, talkMs } = attemptDurations(record);
  return {
    contact_id: record.contactId,
    phone: record.phone,
    attempt: record.attempt,
    outcome: record.outcome,
    reason: record.reason,
    call_id: record.callId,
    attempt_id: record.attemptId,
    campaign_id: record.campaignId,
    dialled_at: isoTime(record.dialledAt),
    answered_at: isoTime(record.answeredAt),
    ended_at: isoTime(record.endedAt),
    ring_ms: ringMs,
    talk_ms: talkMs,
    verdict: record.verdict,
    recording_url: record.recordingUrl,
    full_recording_url: record.fullRecordingUrl,
  };
}

/**
 * One attempt as a results CSV line (no line break), its columns those of
 * {@link attemptCsvHeader} with the same keys; times ISO 8601 UTC, durations in ms.
 *
 * @param contactFields - the contact's fields, for the `contactKeys` columns.
 */
export function attemptCsvRow(
  record: AttemptRecord,
  resultKeys: readonly string[],
  contactKeys: readonly string[] = [],
  contactFields: Readonly<Record<string, string>> = {},
): string {
  const fixed = fixedValues(record);
  const own = (values: Readonly<Record<string, string>>, key: string) =>
    Object.hasOwn(values, key) ? values[key] : undefined;
  return [
    ...ATTEMPT_COLUMNS.map((column) => fixed[column]),
    ...resultKeys.map((key) => own(record.result, key)),
    ...contactKeys.map((key) => own(contactFields, key)),
  ]
    .map(csvCell)
    .join(',');
}

/**
 * One attempt as a JSON Lines line (no line break): the CSV's fixed columns under the same
 * names (`null` when unknown), then `result` (the bot's fields) and, when given, `contact`.
 * JSON needs no formula neutralisation: values are as they were.
 */
export function attemptJsonLine(
  record: AttemptRecord,
  contactFields?: Readonly<Record<string, string>>,
): string {
  const fixed = fixedValues(record);
  const line: Record<string, unknown> = {};
  for (const column of ATTEMPT_COLUMNS) line[column] = fixed[column] ?? null;
  line['result'] = record.result;
  if (contactFields !== undefined) line['contact'] = contactFields;
  return JSON.stringify(line);
}
