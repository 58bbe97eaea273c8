// A contact's fields become a call's parameters, handed to PSR in a URL: names and values are
// bounded and cleaned on import, whatever the file holds.

/** Bounds on a contact's fields. */
export const FIELD_LIMITS = {
  /** Fields per contact (besides the phone and the id). */
  maxFields: 32,
  /** Characters per value (Unicode code points, after cleaning). */
  maxValueLength: 256,
  /** A field name, once normalised: a lowercase ASCII letter, then up to 39 of `a-z0-9_`. */
  namePattern: /^[a-z][a-z0-9_]{0,39}$/,
} as const;

/** Column names of the phone number, in the order they are looked for (normalised names). */
export const PHONE_COLUMNS: readonly string[] = [
  'phone',
  'so_dien_thoai',
  'sdt',
  'phone_number',
  'mobile',
  'destination',
];

/** Column names of the contact's id, in the order they are looked for. */
export const ID_COLUMNS: readonly string[] = ['contact_id', 'id'];

/**
 * Names a field cannot have: the parameters the campaign itself gives each call (a contact
 * could otherwise pose as another, or reach the server's token).
 */
export const RESERVED_FIELD_NAMES: readonly string[] = [
  'call_id',
  'tenant',
  'token',
  'campaign_id',
  'contact_id',
  'attempt_id',
  'attempt',
  'remote_side',
];

/**
 * A column name as a field name: trimmed, lowercased, Vietnamese letters without their marks
 * (`đ` → `d`), spaces and dashes → `_`; undefined when that is still not
 * {@link FIELD_LIMITS}' `namePattern` (`Danh xưng` → `danh_xung`, `Tên KH!` → undefined).
 */
export function normaliseFieldName(raw: string): string | undefined {
  const name = raw
    .trim()
    .toLowerCase()
    .replace(/đ/g, 'd')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\s-]+/g, '_');
  return FIELD_LIMITS.namePattern.test(name) ? name : undefined;
}

/** White space of any kind (line breaks and tabs included): each run becomes one space. */
const SPACES = /[\s\u0085]+/g;
/** Other control characters, bidirectional overrides and BOMs: removed. */
const INVISIBLE =
  /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * A value as a call gets it: control characters and bidirectional overrides removed, white
 * space runs (line breaks, tabs) as one space, trimmed, in Unicode NFC (a macOS file's
 * decomposed `ễ` is the same text as a Windows one's).
 */
export function cleanFieldValue(raw: string): string {
  return raw.replace(INVISIBLE, '').replace(SPACES, ' ').trim().normalize('NFC');
}

/** Length in code points (what {@link FIELD_LIMITS}' `maxValueLength` counts). */
export function valueLength(value: string): number {
  let length = 0;
  for (const _ of value) length++;
  return length;
}

/** A value to quote in a message: JSON-escaped, cut to 40 characters. */
export function quoted(value: string): string {
  return JSON.stringify(valueLength(value) > 40 ? `${[...value].slice(0, 40).join('')}…` : value);
}
