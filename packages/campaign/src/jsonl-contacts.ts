import type { ContactProblem } from './contact-import.js';
import { type ColumnPlan, planColumns, type RowDraft, readRow } from './contact-row.js';
import type { RowsRead } from './csv-contacts.js';
import { MAX_RECORD_CHARS } from './csv-records.js';
import { CampaignError } from './errors.js';

/**
 * Reads JSON Lines contacts (BOM already stripped): one object per line, blank lines skipped.
 * Strings, numbers and booleans are values, `null` is empty; a nested object or array makes
 * the row malformed. A key that cannot be a field is reported once, on its first line.
 *
 * @throws CampaignError `INVALID_CONTACTS` when no line is a JSON object, or none has a phone.
 */
export function readJsonlContacts(text: string, source: string, phoneColumn?: string): RowsRead {
  const drafts: RowDraft[] = [];
  const problems: ContactProblem[] = [];
  const reported = new Set<string>();
  const plans = new Map<string, ColumnPlan>();
  let objects = 0;
  let phones = 0;
  for (const [index, lineText] of text.split(/\r?\n/).entries()) {
    const line = index + 1;
    if (lineText.trim() === '') continue;
    const row = objectOf(lineText);
    if (typeof row === 'string') {
      problems.push({ line, code: 'MALFORMED_ROW', message: row });
      continue;
    }
    objects++;
    const columns = Object.keys(row);
    const plan = planOf(plans, columns, phoneColumn);
    if (plan.roles.some((role) => role.kind === 'phone')) phones++;
    for (const problem of plan.problems) {
      const key = problem.column ?? '';
      if (reported.has(key)) continue;
      reported.add(key);
      problems.push({ line, ...problem, code: 'BAD_COLUMN' });
    }
    const values = valuesOf(line, row, problems);
    if (values === undefined) continue;
    const read = readRow(line, columns, values, plan);
    if (read.ok) drafts.push(read.draft);
    else problems.push(...read.problems);
  }
  if (objects === 0) {
    const why = problems.length === 0 ? 'it is empty' : 'no line is a JSON object';
    throw new CampaignError('INVALID_CONTACTS', `${source}: no contacts (${why})`, {
      path: source,
    });
  }
  if (phones === 0) {
    const which = phoneColumn === undefined ? 'no phone column' : `no key "${phoneColumn}"`;
    throw new CampaignError('INVALID_CONTACTS', `${source}: ${which} in any object`, {
      path: source,
    });
  }
  return { drafts, problems };
}

/** The line's object, or why it is not one. */
function objectOf(lineText: string): Record<string, unknown> | string {
  if (lineText.length > MAX_RECORD_CHARS) {
    return `a line of ${lineText.length} characters (${MAX_RECORD_CHARS} at most)`;
  }
  let value: unknown;
  try {
    value = JSON.parse(lineText);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'not a JSON object';
  }
  return value as Record<string, unknown>;
}

/** Rows of one file mostly share their keys: plan them once. */
function planOf(
  plans: Map<string, ColumnPlan>,
  columns: readonly string[],
  phoneColumn: string | undefined,
): ColumnPlan {
  const key = columns.join('\u0000');
  let plan = plans.get(key);
  if (plan === undefined) {
    plan = planColumns(columns, phoneColumn);
    if (plans.size >= 1000) plans.clear();
    plans.set(key, plan);
  }
  return plan;
}

/** The object's values as text, or undefined after adding a problem for each nested one. */
function valuesOf(
  line: number,
  row: Record<string, unknown>,
  problems: ContactProblem[],
): string[] | undefined {
  let nested = false;
  const values = Object.entries(row).map(([column, value]) => {
    if (value === null) return '';
    if (typeof value === 'object') {
      nested = true;
      const message = `${column}: a nested ${Array.isArray(value) ? 'array' : 'object'} (values are text, numbers or true/false)`;
      problems.push({ line, column, code: 'MALFORMED_ROW', message });
      return '';
    }
    return String(value);
  });
  return nested ? undefined : values;
}
