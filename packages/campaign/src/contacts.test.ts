import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContactProblem } from './contact-import.js';
import { parseContacts } from './contacts.js';
import { CampaignError } from './errors.js';

const csv = (text: string, phoneColumn?: string) =>
  parseContacts(text, { format: 'csv', source: 'list.csv', phoneColumn });
const jsonl = (text: string) => parseContacts(text, { format: 'jsonl', source: 'list.jsonl' });
const brief = (problems: readonly ContactProblem[]) =>
  problems.map((p) => `${p.line} ${p.code}${p.column === undefined ? '' : ` ${p.column}`}`);
const thrown = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(CampaignError.isInstance(error)).toBe(true);
    return error as CampaignError;
  }
  throw new Error('did not throw');
};

describe('parseContacts (CSV)', () => {
  it('reads a spreadsheet export: BOM, Vietnamese headers, any phone format', () => {
    const text =
      '\ufeffSố điện thoại,Danh xưng,Họ và tên,Mã KH\r\n' +
      '0912.345.678,anh,Nguyễn Văn A,\r\n' +
      '+84 98 765 4321,chị,"Trần, Thị B",KH-2\r\n';
    const { contacts, problems, duplicates } = csv(text);
    expect(problems).toEqual([]);
    expect(duplicates).toEqual([]);
    expect(contacts).toEqual([
      {
        id: '+84912345678',
        phone: '+84912345678',
        fields: { danh_xung: 'anh', ho_va_ten: 'Nguyễn Văn A' },
        line: 2,
      },
      {
        id: '+84987654321',
        phone: '+84987654321',
        fields: { danh_xung: 'chị', ho_va_ten: 'Trần, Thị B', ma_kh: 'KH-2' },
        line: 3,
      },
    ]);
  });

  it('takes ; as the separator when the header has more of them', () => {
    const { contacts } = csv('sdt;ten;ghi_chu\n0912345678;An;"a, b; c"\n');
    expect(contacts[0]?.fields).toEqual({ ten: 'An', ghi_chu: 'a, b; c' });
  });

  it('takes the id from contact_id or id, and the phone column given', () => {
    expect(csv('ID,mobile\nc-1,0912345678\n').contacts[0]?.id).toBe('c-1');
    const both = csv('id,contact_id,phone\nx,c-2,0912345678\n').contacts[0];
    expect(both).toMatchObject({ id: 'c-2', fields: { id: 'x' } });
    const chosen = csv('phone,Số gọi\n0900000000,0912345678\n', 'Số gọi').contacts[0];
    expect(chosen).toMatchObject({ phone: '+84912345678', fields: { phone: '0900000000' } });
    expect(csv('phone,so_goi\n0900000000,0912345678\n', 'so goi').contacts[0]?.phone).toBe(
      '+84912345678',
    );
  });

  it('gives a multi-line row its first line, and counts lines after it right', () => {
    const text = 'phone,note\n0912345678,"line one\r\nline two\nline three"\n\n0912345679,x\n';
    const { contacts } = csv(text);
    expect(contacts.map((c) => c.line)).toEqual([2, 6]);
    expect(contacts[0]?.fields['note']).toBe('line one line two line three');
  });

  it('cleans values: trimmed, control and bidi characters out, NFC', () => {
    const text = `phone,name\n0912345678,"  Nguy\u0065\u0302\u0303n\u0007 \u202eVăn\t\u00a0A "\n`;
    expect(csv(text).contacts[0]?.fields['name']).toBe('Nguyễn Văn A');
  });
});

describe('parseContacts (CSV problems)', () => {
  it('rejects a row with a problem and keeps every other', () => {
    const long = 'x'.repeat(257);
    const many = Array.from({ length: 33 }, (_, i) => `f${i}`);
    const text = [
      `phone,name,${many.join(',')}`,
      `0912345601,ok,${many.map(() => '').join(',')}`,
      `,no phone,${many.map(() => '').join(',')}`,
      `0412345678,bad prefix,${many.map(() => '').join(',')}`,
      `0912345602,${long},${many.map(() => '').join(',')}`,
      `0912345603,too many,${many.map(() => 'v').join(',')}`,
      `0912345604,"bad"quote,${many.map(() => '').join(',')}`,
      `0912345605,extra,${many.map(() => '').join(',')},surplus`,
      `0912345606,ok too,${many.map(() => '').join(',')},`,
    ].join('\n');
    const { contacts, problems } = csv(text);
    expect(contacts.map((c) => c.line)).toEqual([2, 9]);
    expect(brief(problems)).toEqual([
      '3 MISSING_PHONE phone',
      '4 INVALID_PHONE phone',
      '5 VALUE_TOO_LONG name',
      '6 TOO_MANY_FIELDS',
      '7 MALFORMED_ROW',
      '8 MALFORMED_ROW',
    ]);
    expect(problems[1]?.message).toMatch(/phone "0412345678": unknown prefix 04/);
    expect(problems[2]?.message).toBe('name: 257 characters, over 256');
    expect(problems[3]?.message).toBe('34 fields, over 32');
    expect(problems[5]?.message).toBe('36 cells, the header has 35');
  });

  it('ignores columns that cannot be fields, once, and keeps their rows', () => {
    const text = 'phone,Tên KH!,token,Call ID,name,Name,,\n0912345678,a,b,c,d,e,f,\n';
    const { contacts, problems } = csv(text);
    expect(contacts[0]?.fields).toEqual({ name: 'd' });
    expect(brief(problems)).toEqual([
      '1 BAD_COLUMN Tên KH!',
      '1 BAD_COLUMN token',
      '1 BAD_COLUMN Call ID',
      '1 BAD_COLUMN Name',
      '1 BAD_COLUMN',
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/not a usable field name/),
      'column "token" is reserved: the campaign sets token itself',
      'column "Call ID" is reserved: the campaign sets call_id itself',
      'column "Name" repeats the field name name',
      'columns 7, 8 have no name: ignored',
    ]);
  });

  it('merges rows with one number into the first, and refuses an id given twice', () => {
    const text = [
      'id,phone,name,city',
      'a,0912345678,An,',
      'b,+84 91 234 5678,Anh,Huế',
      'c,0987654321,Bình,',
      'a,0911111111,Chi,',
      ',84912345678,,Hà Nội',
    ].join('\n');
    const { contacts, problems, duplicates } = csv(text);
    expect(contacts).toEqual([
      { id: 'a', phone: '+84912345678', fields: { name: 'An', city: 'Huế' }, line: 2 },
      { id: 'c', phone: '+84987654321', fields: { name: 'Bình' }, line: 4 },
    ]);
    expect(duplicates).toEqual([{ phone: '+84912345678', contactId: 'a', lines: [2, 3, 6] }]);
    expect(brief(problems)).toEqual(['5 DUPLICATE_ID id']);
    expect(problems[0]?.message).toBe('id "a" is line 2\'s, whose phone is +84912345678');
  });
});

describe('parseContacts (unreadable CSV)', () => {
  it('throws only for a file that cannot be read at all, naming it', () => {
    const cases: [string, RegExp][] = [
      ['', /^list\.csv: no header row \(it is empty\)/],
      ['\n\n', /no header row/],
      ['"phone\nname', /no header row \(line 1: a quoted field .* never closed\)/],
      [
        'name,city\nAn,Huế\n',
        /no phone column: none of phone, so_dien_thoai, .* among "name", "city"/,
      ],
      ['0912345678,An\n0912345679,Bình\n', /the first row holds a phone number: a header row/],
      ['PK\u0003\u0004\u0000\u0000', /not a text file/],
    ];
    for (const [text, message] of cases) {
      const error = thrown(() => csv(text));
      expect(error).toMatchObject({ code: 'INVALID_CONTACTS', path: 'list.csv' });
      expect(error.message, JSON.stringify(text)).toMatch(message);
    }
    expect(thrown(() => csv('phone\n0912345678', 'msisdn')).message).toMatch(
      /no column "msisdn" for the phone number \(columns: "phone"\)/,
    );
  });
});

describe('parseContacts (JSON Lines)', () => {
  it('reads one object per line, skipping blank lines', () => {
    const text = [
      '{"phone":"0912345678","name":"An","age":42,"vip":true,"note":null}',
      '',
      '  ',
      '{"sdt":"0987654321","contact_id":"k2"}',
    ].join('\r\n');
    const { contacts, problems } = jsonl(text);
    expect(problems).toEqual([]);
    expect(contacts).toEqual([
      {
        id: '+84912345678',
        phone: '+84912345678',
        fields: { name: 'An', age: '42', vip: 'true' },
        line: 1,
      },
      { id: 'k2', phone: '+84987654321', fields: {}, line: 4 },
    ]);
  });

  it('reports lines that are not objects, nested values and bad keys', () => {
    const text = [
      '{"phone":"0912345601","Tên!":"x"}',
      '{"phone":"0912345602",',
      '[1,2]',
      '{"phone":"0912345603","tags":["a"]}',
      '{"name":"no phone"}',
      '{"phone":"0912345604","Tên!":"y"}',
    ].join('\n');
    const { contacts, problems } = jsonl(text);
    expect(contacts.map((c) => c.line)).toEqual([1, 6]);
    expect(brief(problems)).toEqual([
      '1 BAD_COLUMN Tên!',
      '2 MALFORMED_ROW',
      '3 MALFORMED_ROW',
      '4 MALFORMED_ROW tags',
      '5 MISSING_PHONE',
    ]);
    expect(problems[1]?.message).toMatch(/^not JSON: /);
    expect(problems[2]?.message).toBe('not a JSON object');
    expect(problems[3]?.message).toMatch(/tags: a nested array/);
  });

  it('throws for a file with no object, or no phone in any', () => {
    expect(thrown(() => jsonl('')).message).toBe('list.jsonl: no contacts (it is empty)');
    expect(thrown(() => jsonl('phone,name\n0912345678,An')).message).toMatch(
      /no line is a JSON object/,
    );
    expect(thrown(() => jsonl('{"name":"An"}')).message).toMatch(/no phone column in any object/);
  });
});

/** RFC 4180 quoting, as a spreadsheet writes it. */
const cell = (value: string) =>
  /[",\r\n;]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
const BROKEN_ROWS = [
  '0912000001,"never closed',
  '0912000002,"bad"quote',
  '"0912000003',
  '0912000004,a,b,c,d',
  '0412000005,bad prefix',
  ',',
  'not a phone at all',
];

describe('parseContacts properties', () => {
  it('never loses a valid row, whatever broken rows surround it', () => {
    // A quoted cell that starts with the separator closes a stray quote before it cleanly: CSV
    // cannot tell that from a cell with line breaks (see scanCsvRecords), so names do not.
    const name = fc
      .string({ maxLength: 20 })
      .map((s) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').replace(/^,+/, ''));
    const valid = fc.tuple(
      fc.integer({ min: 0, max: 99_999_999 }),
      name,
      fc.constantFrom('', 'x\ny'),
    );
    const rows = fc.array(fc.oneof(valid, fc.constantFrom(...BROKEN_ROWS)), { maxLength: 30 });
    fc.assert(
      fc.property(rows, fc.constantFrom('\n', '\r\n'), (list, eol) => {
        const lines: string[] = ['phone,name,note'];
        const expected: { phone: string; line: number }[] = [];
        const seen = new Set<string>();
        let line = 2;
        for (const row of list) {
          if (typeof row === 'string') {
            lines.push(row);
            line += 1;
            continue;
          }
          const [n, value, note] = row;
          const phone = `+849${String(n).padStart(8, '0')}`;
          if (!seen.has(phone)) expected.push({ phone, line });
          seen.add(phone);
          lines.push([`09${String(n).padStart(8, '0')}`, cell(value), cell(note)].join(','));
          line += 1 + (note === '' ? 0 : 1);
        }
        const { contacts } = csv(lines.join(eol));
        const valid = contacts.filter((c) => !c.phone.startsWith('+8491200000'));
        expect(valid.map((c) => ({ phone: c.phone, line: c.line }))).toEqual(expected);
      }),
    );
  });

  it('what it imports is bounded, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (junk) => {
        let imported: ReturnType<typeof csv>;
        try {
          imported = csv(`phone,${junk}\n0912345678,${junk}\n${junk}`);
        } catch (error) {
          expect(CampaignError.isInstance(error)).toBe(true);
          return;
        }
        for (const contact of imported.contacts) {
          expect(contact.phone).toMatch(/^\+[1-9]\d{7,14}$/);
          for (const [key, value] of Object.entries(contact.fields)) {
            expect(key).toMatch(/^[a-z][a-z0-9_]{0,39}$/);
            expect([...value].length).toBeLessThanOrEqual(256);
            expect(value).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
          }
        }
      }),
    );
  });

  it('the cells it reads are csv-parse’s', () => {
    const text = 'phone,a,b\n0912345678,"x ""q"" y",z\n';
    const [, row] = parse(text) as string[][];
    expect(csv(text).contacts[0]?.fields).toEqual({ a: row?.[1], b: row?.[2] });
  });
});
