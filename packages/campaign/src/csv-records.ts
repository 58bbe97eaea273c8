// Splits CSV text into records, each with its first line, before csv-parse reads their cells:
// one broken row is then one problem on its own line, and the rows after it are kept.

/** One record's text (without its line break) and the file line it starts on. */
export interface CsvChunk {
  readonly line: number;
  readonly text: string;
}

/** The records of a CSV text, and those that cannot be read. */
export interface CsvScan {
  readonly chunks: CsvChunk[];
  readonly malformed: { readonly line: number; readonly message: string }[];
}

/** A record longer than this is refused unread (a row of 32 × 256 characters is far less). */
export const MAX_RECORD_CHARS = 65_536;

/**
 * Finds the records of RFC 4180 text: a field that starts with `"` runs to the matching
 * quote (`""` inside it is a quote), line breaks (`\r\n`, `\n`, `\r`) elsewhere end a record,
 * and a quote inside an unquoted field is a character. Blank lines, and lines of separators
 * alone (a spreadsheet's empty rows), are skipped. Malformed: a closing quote followed by
 * something other than a separator, a quote never closed, a record over
 * {@link MAX_RECORD_CHARS} (a quoted field open for longer counts as never closed). When a
 * malformed record spans lines, or one that spans lines has more cells than the first record
 * (the header), its first line is reported and reading resumes on the next: one stray quote
 * does not take the rows after it along. (It still can when a later quoted cell starts with a
 * separator, closing the stray quote cleanly, and the cells add up: CSV cannot tell that from
 * a cell with line breaks.)
 */
export function scanCsvRecords(text: string, delimiter: string): CsvScan {
  const chunks: CsvChunk[] = [];
  const malformed: { line: number; message: string }[] = [];
  let at = 0;
  let line = 1;
  let width: number | undefined;
  while (at < text.length) {
    const record = scanRecord(text, at, delimiter);
    const broken = brokenAcrossLines(record, width, text.length);
    if (broken !== undefined) {
      // A quote that opens a field and goes wrong lines later: only its first line is broken
      // for sure; the next lines are read again as rows of their own.
      malformed.push({ line, message: broken });
      at = nextLine(text, at);
      line += 1;
      continue;
    }
    const body = text.slice(at, record.end);
    if (record.error !== undefined) malformed.push({ line, message: record.error });
    else if (body.length > MAX_RECORD_CHARS) {
      malformed.push({
        line,
        message: `a row of ${body.length} characters (${MAX_RECORD_CHARS} at most)`,
      });
    } else if (!isBlank(body, delimiter)) {
      chunks.push({ line, text: body });
      width ??= record.fields;
    }
    at = record.next;
    line += 1 + record.breaks;
  }
  return { chunks, malformed };
}

/**
 * Why a record that spans lines is taken for a stray quote that swallowed rows: a quote never
 * closed, an error after a line break, more cells than the header (the rows' cells added up).
 */
function brokenAcrossLines(
  record: ScannedRecord,
  width: number | undefined,
  length: number,
): string | undefined {
  if (record.unclosed) {
    const where = record.end < length ? ` within ${MAX_RECORD_CHARS} characters` : '';
    return `a quoted field that starts here is never closed${where}`;
  }
  if (record.breaks === 0) return undefined;
  if (record.error !== undefined)
    return `a quoted field that starts here spans lines and ${record.error}`;
  if (width !== undefined && record.fields > width) {
    return `a quoted field that starts here spans lines into a row of ${record.fields} cells (the header has ${width})`;
  }
  return undefined;
}

interface ScannedRecord {
  /** Where the record's text ends, and where the next starts (past the line break). */
  readonly end: number;
  readonly next: number;
  /** Line breaks inside quoted fields. */
  readonly breaks: number;
  /** Cells: separators outside quotes, plus one. */
  readonly fields: number;
  readonly unclosed: boolean;
  readonly error: string | undefined;
}

function scanRecord(text: string, start: number, delimiter: string): ScannedRecord {
  let quoted = false;
  let fieldStart = true;
  let breaks = 0;
  let fields = 1;
  let error: string | undefined;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    // A quote left open would otherwise be read to the end of the file, again from each line.
    if (quoted && i - start > MAX_RECORD_CHARS) {
      return { end: i, next: i, breaks, fields, unclosed: true, error };
    }
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') i++;
      else if (c === '"') {
        quoted = false;
        const next = text[i + 1];
        if (next !== undefined && next !== delimiter && next !== '\r' && next !== '\n') {
          error ??= `a closing quote is followed by ${JSON.stringify(next)} (a quote inside a quoted field is written "")`;
        }
      } else if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) breaks++;
    } else if (c === '\r' || c === '\n') {
      const next = c === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
      return { end: i, next, breaks, fields, unclosed: false, error };
    } else if (c === delimiter) {
      fieldStart = true;
      fields++;
    } else {
      if (c === '"' && fieldStart) quoted = true;
      fieldStart = false;
    }
  }
  return { end: text.length, next: text.length, breaks, fields, unclosed: quoted, error };
}

/** Where the physical line after the one at `start` begins. */
function nextLine(text: string, start: number): number {
  const breaks = /\r\n|\r|\n/g;
  breaks.lastIndex = start;
  const found = breaks.exec(text);
  return found ? found.index + found[0].length : text.length;
}

function isBlank(body: string, delimiter: string): boolean {
  for (const c of body) if (c !== delimiter && c.trim() !== '') return false;
  return true;
}
