import {
  cleanFieldValue,
  FIELD_LIMITS,
  ID_COLUMNS,
  normaliseFieldName,
  PHONE_COLUMNS,
  quoted,
  RESERVED_FIELD_NAMES,
  valueLength,
} from './contact-fields.js';
import type { ContactProblem } from './contact-import.js';
import { normalisePhone } from './phone-number.js';

/** What a column is to a contact. */
export type ColumnRole =
  | { readonly kind: 'phone' }
  | { readonly kind: 'id' }
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'ignored' };

/** The roles of a row's columns (aligned with them), and the problems of the ignored ones. */
export interface ColumnPlan {
  readonly roles: readonly ColumnRole[];
  /** About a column (`column` is its name as written; none for unnamed ones). */
  readonly problems: readonly { readonly column?: string; readonly message: string }[];
}

/** A row read and checked, before duplicates are merged. */
export interface RowDraft {
  readonly line: number;
  /** The id column's value, when there is one and it is not empty. */
  readonly id: string | undefined;
  /** The id column's name as the file writes it. */
  readonly idColumn: string | undefined;
  readonly phone: string;
  readonly fields: Record<string, string>;
}

const IGNORED: ColumnRole = { kind: 'ignored' };

/**
 * Which column is the phone, which the id, and which fields (with their names): the phone is
 * `phoneColumn` (by its name as written or normalised) or the first of {@link PHONE_COLUMNS}
 * present, the id the first of {@link ID_COLUMNS}; unnamed, unusable, reserved and repeated
 * names are ignored, with a problem each (the unnamed ones together).
 */
export function planColumns(columns: readonly string[], phoneColumn?: string): ColumnPlan {
  const names = columns.map((column) => normaliseFieldName(column));
  const phone = phoneIndex(columns, names, phoneColumn);
  const id = firstOf(names, ID_COLUMNS, phone);
  const problems: { column?: string; message: string }[] = [];
  const taken = new Set<string>();
  const unnamed: number[] = [];
  const roles = columns.map((column, i): ColumnRole => {
    if (i === phone) return { kind: 'phone' };
    if (i === id) return { kind: 'id' };
    if (column.trim() === '') {
      unnamed.push(i + 1);
      return IGNORED;
    }
    const name = names[i];
    const reason = whyIgnored(name, taken);
    if (name === undefined || reason !== undefined) {
      problems.push({ column, message: `column ${quoted(column)} ${reason}` });
      return IGNORED;
    }
    taken.add(name);
    return { kind: 'field', name };
  });
  if (unnamed.length > 0) {
    const which =
      unnamed.length === 1 ? `column ${unnamed[0]} has` : `columns ${unnamed.join(', ')} have`;
    problems.push({ message: `${which} no name: ignored` });
  }
  return { roles, problems };
}

function whyIgnored(name: string | undefined, taken: ReadonlySet<string>): string | undefined {
  if (name === undefined) {
    return 'is not a usable field name (letters, digits and _, starting with a letter, at most 40)';
  }
  if (RESERVED_FIELD_NAMES.includes(name)) return `is reserved: the campaign sets ${name} itself`;
  if (taken.has(name)) return `repeats the field name ${name}`;
  return undefined;
}

function phoneIndex(
  columns: readonly string[],
  names: readonly (string | undefined)[],
  phoneColumn: string | undefined,
): number {
  if (phoneColumn === undefined) return firstOf(names, PHONE_COLUMNS, -1);
  const wanted = normaliseFieldName(phoneColumn);
  return columns.findIndex(
    (column, i) => column === phoneColumn || (wanted !== undefined && names[i] === wanted),
  );
}

/** The index of the first of `wanted` among `names`, in `wanted`'s order; -1 if none. */
function firstOf(
  names: readonly (string | undefined)[],
  wanted: readonly string[],
  skip: number,
): number {
  for (const name of wanted) {
    const index = names.findIndex((candidate, i) => candidate === name && i !== skip);
    if (index >= 0) return index;
  }
  return -1;
}

/**
 * A row's contact, or every problem it has. `columns` are the names as the file writes them
 * (for messages), `values` aligned with them and with the plan's roles.
 */
export function readRow(
  line: number,
  columns: readonly string[],
  values: readonly string[],
  plan: ColumnPlan,
): { ok: true; draft: RowDraft } | { ok: false; problems: ContactProblem[] } {
  const problems: ContactProblem[] = [];
  const problem = (column: string, code: ContactProblem['code'], message: string) =>
    problems.push({ line, column, code, message });
  let phone: string | undefined;
  let id: string | undefined;
  let idColumn: string | undefined;
  const fields: Record<string, string> = {};
  for (const [i, role] of plan.roles.entries()) {
    const column = columns[i] ?? '';
    const value = cleanFieldValue(values[i] ?? '');
    if (role.kind === 'phone') {
      const result = normalisePhone(value);
      if (value === '') problem(column, 'MISSING_PHONE', 'no phone number');
      else if (result.ok) phone = result.phone;
      else problem(column, 'INVALID_PHONE', `phone ${quoted(value)}: ${result.reason}`);
    } else if (role.kind === 'ignored' || value === '') {
      // Nothing to keep.
    } else if (valueLength(value) > FIELD_LIMITS.maxValueLength) {
      const message = `${column}: ${valueLength(value)} characters, over ${FIELD_LIMITS.maxValueLength}`;
      problem(column, 'VALUE_TOO_LONG', message);
    } else if (role.kind === 'id') {
      id = value;
      idColumn = column;
    } else fields[role.name] = value;
  }
  const phoneSeen = plan.roles.some((role) => role.kind === 'phone');
  const fieldCount = Object.keys(fields).length;
  if (!phoneSeen) problems.push({ line, code: 'MISSING_PHONE', message: 'no phone column' });
  if (fieldCount > FIELD_LIMITS.maxFields) {
    const message = `${fieldCount} fields, over ${FIELD_LIMITS.maxFields}`;
    problems.push({ line, code: 'TOO_MANY_FIELDS', message });
  }
  if (problems.length > 0 || phone === undefined) return { ok: false, problems };
  return { ok: true, draft: { line, id, idColumn, phone, fields } };
}
