import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { ContactImport, ParseContactsOptions } from './contact-import.js';
import { parseContacts } from './contacts.js';
import { CampaignError } from './errors.js';

/** How to read a contacts file: as {@link parseContacts}, the format told by the extension. */
export interface ReadContactsFileOptions {
  /** When the extension does not say (`.csv`; `.jsonl` or `.ndjson`). */
  readonly format?: ParseContactsOptions['format'] | undefined;
  /** The name in messages; the path by default. */
  readonly source?: string | undefined;
  /** The phone number's column, as for {@link parseContacts}. */
  readonly phoneColumn?: string | undefined;
}

const FORMATS: Readonly<Record<string, ParseContactsOptions['format']>> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/**
 * Reads a contacts file with {@link parseContacts}: CSV for `.csv`, JSON Lines for `.jsonl` and
 * `.ndjson` (any case), UTF-8 (with or without a BOM) or UTF-16 with a BOM.
 *
 * @throws CampaignError `INVALID_CONTACTS` with the path: an unknown extension, a file that
 *   cannot be read (the cause attached), a spreadsheet or other binary file, text that is not
 *   UTF-8, and what {@link parseContacts} throws.
 */
export async function readContactsFile(
  path: string,
  options: ReadContactsFileOptions = {},
): Promise<ContactImport> {
  const format = options.format ?? FORMATS[extname(path).toLowerCase()];
  if (format === undefined) {
    throw invalid(path, 'cannot tell the format from the extension (.csv, .jsonl or .ndjson)');
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw invalid(path, `cannot read it${code === undefined ? '' : ` (${code})`}`, cause);
  }
  return parseContacts(decode(bytes, path), {
    format,
    source: options.source ?? path,
    phoneColumn: options.phoneColumn,
  });
}

/** The file's text; a spreadsheet, or bytes that are not UTF-8, are refused. */
function decode(bytes: Uint8Array, path: string): string {
  const starts = (...prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0xd0, 0xcf, 0x11, 0xe0)) {
    throw invalid(path, 'is a spreadsheet (.xlsx or .xls): save it as CSV UTF-8');
  }
  if (starts(0xff, 0xfe)) return new TextDecoder('utf-16le').decode(bytes);
  if (starts(0xfe, 0xff)) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw invalid(path, 'is not UTF-8 text: save it as CSV UTF-8', cause);
  }
}

function invalid(path: string, message: string, cause?: unknown): CampaignError {
  return new CampaignError('INVALID_CONTACTS', `${path}: ${message}`, { path, cause });
}
