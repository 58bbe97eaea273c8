import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from './campaign-types.js';
import {
  ATTEMPT_COLUMNS,
  attemptCsvHeader,
  attemptCsvRow,
  attemptDurations,
  attemptJsonLine,
  csvCell,
} from './results-csv.js';

const T0 = Date.parse('2025-06-02T01:00:00.000Z');
const answered: AttemptRecord = {
  attemptId: 'a-1',
  campaignId: 'c-1',
  contactId: '+84912345678',
  phone: '+84912345678',
  attempt: 1,
  phase: 'ended',
  dialledAt: T0,
  callId: 'call-9',
  recordingUrl: 'https://pbx.example/r/9.mp3',
  answeredAt: T0 + 12_500,
  endedAt: T0 + 72_500,
  outcome: 'completed',
  reason: 'callee hung up',
  verdict: 'human',
  result: { interested: 'yes', note: '=HYPERLINK("http://evil.example","click")' },
};
const unanswered: AttemptRecord = {
  attemptId: 'a-2',
  campaignId: 'c-1',
  contactId: 'k-2',
  phone: '+84987654321',
  attempt: 2,
  phase: 'ended',
  dialledAt: T0,
  endedAt: T0 + 45_000,
  outcome: 'no-answer',
  result: {},
};

const readBack = (lines: string[]) =>
  parse(lines.join('\r\n'), { columns: true }) as Record<string, string>[];

describe('results CSV', () => {
  it('writes the fixed columns, then result and contact columns, and reads back', () => {
    const keys = ['interested', 'note'];
    const header = attemptCsvHeader(keys, ['name']);
    expect(header).toBe(`${ATTEMPT_COLUMNS.join(',')},interested,note,contact.name`);
    const rows = readBack([
      header,
      attemptCsvRow(answered, keys, ['name'], { name: '@SUM(1+1)*cmd|" /C calc"!A0' }),
      attemptCsvRow(unanswered, keys, ['name']),
    ]);
    expect(rows[0]).toEqual({
      contact_id: '+84912345678',
      phone: '+84912345678',
      attempt: '1',
      outcome: 'completed',
      reason: 'callee hung up',
      call_id: 'call-9',
      attempt_id: 'a-1',
      campaign_id: 'c-1',
      dialled_at: '2025-06-02T01:00:00.000Z',
      answered_at: '2025-06-02T01:00:12.500Z',
      ended_at: '2025-06-02T01:01:12.500Z',
      ring_ms: '12500',
      talk_ms: '60000',
      verdict: 'human',
      recording_url: 'https://pbx.example/r/9.mp3',
      full_recording_url: '',
      interested: 'yes',
      note: `'=HYPERLINK("http://evil.example","click")`,
      'contact.name': `'@SUM(1+1)*cmd|" /C calc"!A0`,
    });
    expect(rows[1]).toMatchObject({
      contact_id: 'k-2',
      answered_at: '',
      ring_ms: '45000',
      talk_ms: '',
      interested: '',
      'contact.name': '',
    });
  });

  it('renames a result key that a fixed column has', () => {
    expect(attemptCsvHeader(['outcome', 'score'])).toMatch(/,outcome,.*,result\.outcome,score$/);
    const record = { ...answered, result: { outcome: 'sale' } };
    const [row] = readBack([attemptCsvHeader(['outcome']), attemptCsvRow(record, ['outcome'])]);
    expect(row).toMatchObject({ outcome: 'completed', 'result.outcome': 'sale' });
  });

  it('neutralises formulas but keeps phone numbers and plain numbers as written', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1+cmd')).toBe("'+1+cmd");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@A1')).toBe("'@A1");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('+84912345678')).toBe('+84912345678');
    expect(csvCell('-5')).toBe('-5');
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell('x;y')).toBe('"x;y"');
    expect(csvCell(12)).toBe('12');
    expect(csvCell(undefined)).toBe('');
  });

  it('any text reads back as itself, or with one leading quote where a formula could start', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (cells) => {
        // A last cell, so that a line of one empty cell is still a record.
        const line = [...cells.map(csvCell), 'end'].join(',');
        const [back] = parse(line) as string[][];
        expect(back).toHaveLength(cells.length + 1);
        back?.pop();
        back?.forEach((cell, i) => {
          const original = cells[i] ?? '';
          expect(cell === original || cell === `'${original}`).toBe(true);
          expect(cell).not.toMatch(/^[=+\-@\t\r](?!\d+(\.\d+)?$)/);
        });
      }),
    );
  });
});

describe('attemptDurations', () => {
  it('rings until answered, or until the end when not answered', () => {
    expect(attemptDurations(answered)).toEqual({ ringMs: 12_500, talkMs: 60_000 });
    expect(attemptDurations(unanswered)).toEqual({ ringMs: 45_000 });
    expect(attemptDurations({ ...unanswered, endedAt: undefined } as never)).toEqual({});
  });
});

describe('attemptJsonLine', () => {
  it('gives the same names, null for what is unknown, and the result as it was', () => {
    const line = JSON.parse(attemptJsonLine(answered, { name: 'An' }));
    expect(line).toMatchObject({
      contact_id: '+84912345678',
      phone: '+84912345678',
      full_recording_url: null,
      talk_ms: 60_000,
      dialled_at: '2025-06-02T01:00:00.000Z',
      result: answered.result,
      contact: { name: 'An' },
    });
    expect(Object.keys(line)).toEqual([...ATTEMPT_COLUMNS, 'result', 'contact']);
    expect(attemptJsonLine(unanswered)).not.toMatch(/\n/);
  });
});
