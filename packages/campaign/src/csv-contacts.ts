import { parse } from 'csv-parse/sync';
import { PHONE_COLUMNS, quoted } from './contact-fields.js';
import type { ContactProblem } from './contact-import.js';
import { type ColumnPlan, planColumns, type RowDraft, readRow } from './contact-row.js';
import { type CsvChunk, scanCsvRecords } from './csv-records.js';
import { CampaignError } from './errors.js';
import { normalisePhone } from './phone-number.js';

/** A contacts file's rows, read and checked, and the problems found on the way. */
export interface RowsRead {
  readonly drafts: RowDraft[];
  readonly problems: ContactProblem[];
}

/**
 * Reads CSV contacts (BOM already stripped): the first record is the header, `,` or `;` as it
 * uses more of them. A row with more non-empty cells than the header is malformed; one with
 * fewer has its last columns empty.
 *
 * @throws CampaignError `INVALID_CONTACTS` when there is no header or no phone column.
 */
export function readCsvContacts(text: string, source: string, phoneColumn?: string): RowsRead {
  const delimiter = headerDelimiter(text);
  const { chunks, malformed } = scanCsvRecords(text, delimiter);
  const problems: ContactProblem[] = malformed.map(({ line, message }) => ({
    line,
    code: 'MALFORMED_ROW',
    message,
  }));
  const header = chunks[0];
  const early = malformed[0];
  if (header === undefined || (early !== undefined && early.line < header.line)) {
    const why = early === undefined ? 'it is empty' : `line ${early.line}: ${early.message}`;
    throw invalid(source, `no header row (${why})`);
  }
  const cells = cellsOf(chunks, delimiter);
  const columns = cells[0] ?? [];
  if (typeof columns === 'string') throw invalid(source, `the header row: ${columns}`);
  const plan = planColumns(columns, phoneColumn);
  checkPhoneColumn(plan, columns, source, phoneColumn);
  for (const problem of plan.problems) {
    problems.push({ line: header.line, ...problem, code: 'BAD_COLUMN' });
  }
  const drafts: RowDraft[] = [];
  for (const [i, chunk] of chunks.entries()) {
    if (i === 0) continue;
    const values = cells[i] ?? [];
    const broken = typeof values === 'string' ? values : extraCells(values, columns.length);
    if (broken !== undefined || typeof values === 'string') {
      problems.push({ line: chunk.line, code: 'MALFORMED_ROW', message: broken ?? '' });
      continue;
    }
    const row = readRow(chunk.line, columns, values, plan);
    if (row.ok) drafts.push(row.draft);
    else problems.push(...row.problems);
  }
  return { drafts, problems };
}

/** Why a row does not fit the header: more non-empty cells than it has columns. */
function extraCells(values: readonly string[], columns: number): string | undefined {
  if (!values.slice(columns).some((value) => value.trim() !== '')) return undefined;
  return `${values.length} cells, the header has ${columns}`;
}

/** `;` when the header line has more of them than commas (outside quotes), else `,`. */
function headerDelimiter(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

const CSV_OPTIONS = { record_delimiter: '\n', relax_quotes: true, relax_column_count: true };

/**
 * Each record's cells, or why csv-parse could not read it. All records at once when csv-parse
 * reads exactly the records found (it does, short of a disagreement on quoting), else one by
 * one, so that one record it refuses is one problem.
 */
function cellsOf(chunks: readonly CsvChunk[], delimiter: string): (string[] | string)[] {
  try {
    const joined = chunks.map((chunk) => `${chunk.text}\n`).join('');
    const records = parse(joined, { ...CSV_OPTIONS, delimiter, raw: true }) as unknown as {
      raw: string;
      record: string[];
    }[];
    const aligned =
      records.length === chunks.length &&
      records.every((record, i) => record.raw === `${chunks[i]?.text}\n`);
    if (aligned) return records.map((record) => record.record);
  } catch {
    // One record csv-parse refuses: read them one by one below, to tell which.
  }
  return chunks.map((chunk) => {
    try {
      return parse(chunk.text, { ...CSV_OPTIONS, delimiter })[0] ?? [];
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  });
}

function checkPhoneColumn(
  plan: ColumnPlan,
  columns: readonly string[],
  source: string,
  phoneColumn: string | undefined,
): void {
  if (plan.roles.some((role) => role.kind === 'phone')) return;
  const list = columns.map((column) => quoted(column)).join(', ');
  if (phoneColumn !== undefined) {
    throw invalid(
      source,
      `no column ${quoted(phoneColumn)} for the phone number (columns: ${list})`,
    );
  }
  const looksLikeData = columns.some((column) => normalisePhone(column).ok);
  throw invalid(
    source,
    looksLikeData
      ? `the first row holds a phone number: a header row (e.g. phone,name) is required`
      : `no phone column: none of ${PHONE_COLUMNS.join(', ')} among ${list} (name it with phoneColumn)`,
  );
}

function invalid(source: string, message: string): CampaignError {
  return new CampaignError('INVALID_CONTACTS', `${source}: ${message}`, { path: source });
}
