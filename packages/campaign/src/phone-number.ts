/** What {@link normalisePhone} made of a number: E.164, or why it cannot be called. */
export type PhoneResult =
  | { readonly ok: true; readonly phone: string }
  | { readonly ok: false; readonly reason: string };

/** Separators people write in numbers: spaces, dots, dashes, slashes, brackets. */
const SEPARATORS = /[\s.\-/()\u00a0\u2010-\u2015]/g;
/** An international number: a country code (never 0) and 8 to 15 digits in all. */
const E164 = /^[1-9]\d{7,14}$/;
const VN = '84';

/**
 * Normalises a phone number to E.164 (`+84912345678`), or says why it cannot be called.
 *
 * Vietnamese numbers are checked against the national plan: a mobile number is 9 digits after
 * the trunk `0`, starting 3, 5, 7, 8 or 9; a landline is 10 digits after the `0`, starting with
 * a `2xx` area code (the plan since 2017). `0912345678`, `84912345678`, `+84912345678`,
 * `0084912345678`, `+84 91 234 5678`, `0912.345.678` and `(091) 234-5678` are all
 * `+84912345678`. A national number whose leading `0` a spreadsheet dropped (`912345678`) is
 * accepted too, since no other reading of it exists. Other countries' numbers must start with
 * `+` (or `00`) and are accepted as E.164 when they have 8 to 15 digits.
 *
 * @example
 * ```ts
 * normalisePhone('(091) 234-5678'); // { ok: true, phone: '+84912345678' }
 * normalisePhone('0412345678'); // { ok: false, reason: 'unknown prefix 04 (+84 4): …' }
 * ```
 * @param raw - the number as written.
 * @param defaultCountry - the country of numbers written without a country code; only `VN`
 *   has a national plan here (any other default requires `+<country>` numbers).
 */
export function normalisePhone(raw: string, defaultCountry = 'VN'): PhoneResult {
  const text = raw.trim();
  if (text === '') return fail('empty');
  if (/\p{L}/u.test(text)) return fail('contains letters');
  const plus = text.startsWith('+');
  const body = (plus ? text.slice(1) : text).replace(SEPARATORS, '');
  const odd = /[^\d]/.exec(body);
  if (odd) return fail(`unexpected character ${JSON.stringify(odd[0])}`);
  if (body === '') return fail('no digits');
  if (plus) return international(body);
  if (body.startsWith('00')) return international(body.slice(2));
  if (defaultCountry.toUpperCase() !== 'VN') {
    return fail(`no national numbering plan for ${defaultCountry}: write it as +<country code>…`);
  }
  return vietnamese(nationalPart(body));
}

/** The national significant number of a Vietnamese number written without `+`. */
function nationalPart(digits: string): string {
  if (digits.startsWith('0')) return digits.slice(1);
  // 84 + a 9-digit mobile or a 10-digit landline; shorter is a national number starting 84.
  if (digits.startsWith(VN) && digits.length >= 11) return digits.slice(2);
  return digits;
}

/** `digits` after the `+` (or `00`). */
function international(digits: string): PhoneResult {
  if (digits.startsWith(VN)) {
    const national = digits.slice(2);
    // `+84 (0)91…`: a trunk 0 written after the country code.
    return vietnamese(national.startsWith('0') ? national.slice(1) : national);
  }
  if (digits.startsWith('0')) return fail('a country code never starts with 0');
  if (digits.length < 8) return fail(`too short: ${digits.length} digits (E.164 has 8 to 15)`);
  if (!E164.test(digits)) return fail(`too long: ${digits.length} digits (E.164 has 8 to 15)`);
  return { ok: true, phone: `+${digits}` };
}

/** A Vietnamese national significant number (no trunk 0, no country code). */
function vietnamese(nsn: string): PhoneResult {
  const first = nsn[0];
  const expected = first === '2' ? 10 : '35789'.includes(first ?? '-') ? 9 : undefined;
  if (first === undefined || nsn.length < 8) {
    return fail(`too short: ${nsn.length} digits after the 0 (a Vietnamese number has 9 or 10)`);
  }
  if (expected === undefined) {
    return fail(
      `unknown prefix 0${first} (+84 ${first}): a Vietnamese mobile starts 03, 05, 07, 08 or 09, a landline 02`,
    );
  }
  const kind = expected === 9 ? 'mobile' : 'landline';
  if (nsn.length < expected) {
    return fail(`too short: ${nsn.length} digits after the 0 (a ${kind} number has ${expected})`);
  }
  if (nsn.length > expected) {
    return fail(`too long: ${nsn.length} digits after the 0 (a ${kind} number has ${expected})`);
  }
  return { ok: true, phone: `+${VN}${nsn}` };
}

function fail(reason: string): PhoneResult {
  return { ok: false, reason };
}
