import type { Contact } from './campaign-types.js';
import { FIELD_LIMITS, quoted } from './contact-fields.js';
import type {
  ContactDuplicate,
  ContactImport,
  ContactProblem,
  ParseContactsOptions,
} from './contact-import.js';
import type { RowDraft } from './contact-row.js';
import { readCsvContacts } from './csv-contacts.js';
import { CampaignError } from './errors.js';
import { readJsonlContacts } from './jsonl-contacts.js';

/**
 * Reads a contacts file's text: CSV with a header row (`,` or `;`) or JSON Lines. The phone
 * column is `phone`, `so_dien_thoai`, `sdt`, `phone_number`, `mobile` or `destination`
 * (any case, or `phoneColumn`); `contact_id` or `id` is the id, else the normalised phone;
 * every other column is a field, named as {@link normaliseFieldName} says (`Danh xưng` →
 * `danh_xung`), its values cleaned by {@link cleanFieldValue} and bounded by
 * {@link FIELD_LIMITS}.
 *
 * A row with a problem is left out and reported at its line (a multi-line CSV row's first);
 * every other row is kept. A column that cannot be a field is ignored, reported once. Rows with
 * one phone number are merged into the first (later rows fill its empty fields, up to the
 * limit) and listed in `duplicates`; a later row with an earlier row's id and another number
 * is a `DUPLICATE_ID` problem.
 *
 * @example
 * ```ts
 * const { contacts, problems } = parseContacts('sdt,Danh xưng\n0912 345 678,anh\n', { format: 'csv' });
 * // contacts: [{ id: '+84912345678', phone: '+84912345678', fields: { danh_xung: 'anh' }, line: 2 }]
 * ```
 * @throws CampaignError `INVALID_CONTACTS` (path: `source`) only for a file that cannot be read
 *   at all: not text, no header row, no phone column.
 */
export function parseContacts(text: string, options: ParseContactsOptions): ContactImport {
  const source = options.source ?? 'contacts';
  if (text.includes('\u0000')) {
    throw new CampaignError(
      'INVALID_CONTACTS',
      `${source}: not a text file (a spreadsheet? save it as CSV UTF-8)`,
      { path: source },
    );
  }
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  if (options.format !== 'csv' && options.format !== 'jsonl') {
    const message = `${source}: unknown format ${quoted(String(options.format))} (csv or jsonl)`;
    throw new CampaignError('INVALID_CONTACTS', message, { path: source });
  }
  const read =
    options.format === 'csv'
      ? readCsvContacts(body, source, options.phoneColumn)
      : readJsonlContacts(body, source, options.phoneColumn);
  return mergeDrafts(read.drafts, read.problems);
}

interface Merged {
  readonly contact: { id: string; phone: string; fields: Record<string, string>; line: number };
  readonly lines: number[];
}

/** One contact per phone number, the first row's; ids unique; problems in line order. */
function mergeDrafts(drafts: readonly RowDraft[], problems: ContactProblem[]): ContactImport {
  const byPhone = new Map<string, Merged>();
  const byId = new Map<string, Merged>();
  for (const draft of drafts) {
    const first = byPhone.get(draft.phone);
    if (first !== undefined) {
      fillFields(first.contact.fields, draft.fields);
      first.lines.push(draft.line);
      continue;
    }
    const id = draft.id ?? draft.phone;
    const holder = byId.get(id);
    if (holder !== undefined) {
      problems.push({
        line: draft.line,
        ...(draft.idColumn === undefined ? {} : { column: draft.idColumn }),
        code: 'DUPLICATE_ID',
        message: `id ${quoted(id)} is line ${holder.contact.line}'s, whose phone is ${holder.contact.phone}`,
      });
      continue;
    }
    const merged = { contact: { ...draft, id, fields: { ...draft.fields } }, lines: [draft.line] };
    byPhone.set(draft.phone, merged);
    byId.set(id, merged);
  }
  const contacts: Contact[] = [];
  const duplicates: ContactDuplicate[] = [];
  for (const { contact, lines } of byPhone.values()) {
    const { id, phone, fields, line } = contact;
    contacts.push({ id, phone, fields, line });
    if (lines.length > 1) duplicates.push({ phone, contactId: id, lines });
  }
  return { contacts, problems: problems.sort((a, b) => a.line - b.line), duplicates };
}

/** Adds the later row's fields that the first lacks, as long as there is room. */
function fillFields(fields: Record<string, string>, later: Readonly<Record<string, string>>): void {
  let count = Object.keys(fields).length;
  for (const [name, value] of Object.entries(later)) {
    if (count >= FIELD_LIMITS.maxFields) return;
    if (Object.hasOwn(fields, name)) continue;
    fields[name] = value;
    count++;
  }
}
