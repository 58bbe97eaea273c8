import type { Contact } from './campaign-types.js';

/** Why a row of a contacts file was not imported (or, for `BAD_COLUMN`, a column ignored). */
export type ContactProblemCode =
  /** No phone number in the row (or no phone column in a JSON Lines object). */
  | 'MISSING_PHONE'
  /** A phone number that cannot be called (the message says why). */
  | 'INVALID_PHONE'
  /** A value longer than 256 characters. */
  | 'VALUE_TOO_LONG'
  /** A column whose name cannot be a field (or is reserved): ignored, the rows are kept. */
  | 'BAD_COLUMN'
  /** A row that cannot be read: a broken quote, more cells than the header, not JSON. */
  | 'MALFORMED_ROW'
  /** More than 32 fields in one row. */
  | 'TOO_MANY_FIELDS'
  /** The id of an earlier contact with another phone number. */
  | 'DUPLICATE_ID';

/** A problem in a contacts file: the row at `line` is not imported, except for `BAD_COLUMN`. */
export interface ContactProblem {
  /** The file's line (a multi-line CSV row's first line; the header's for a column). */
  readonly line: number;
  /** The column it is about, as the file names it. */
  readonly column?: string;
  /** What kind of problem: a stable code to branch on. */
  readonly code: ContactProblemCode;
  /** For people: what is wrong, with the value (cut short) when there is one. */
  readonly message: string;
}

/** Rows with one phone number, merged into the first of them. */
export interface ContactDuplicate {
  /** The normalised phone number they share. */
  readonly phone: string;
  /** The id of the contact they were merged into (the first row's). */
  readonly contactId: string;
  /** The lines of every row with that number, the first row's first. */
  readonly lines: readonly number[];
}

/** What a contacts file holds: the contacts to call, and what was not imported and why. */
export interface ContactImport {
  /** In the file's order, one per phone number. */
  readonly contacts: readonly Contact[];
  /** In line order. */
  readonly problems: readonly ContactProblem[];
  /** Phone numbers found on more than one row, in the order of their first row. */
  readonly duplicates: readonly ContactDuplicate[];
}

/** How to read a contacts file. */
export interface ParseContactsOptions {
  /** `csv` (a header row, `,` or `;` separated) or `jsonl` (one JSON object per line). */
  readonly format: 'csv' | 'jsonl';
  /** The file's name, for messages. */
  readonly source?: string | undefined;
  /** The phone number's column, when it is none of {@link PHONE_COLUMNS}. */
  readonly phoneColumn?: string | undefined;
}
