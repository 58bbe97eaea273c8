import { describe, expect, it } from 'vitest';
import { MAX_RECORD_CHARS, scanCsvRecords } from './csv-records.js';

describe('scanCsvRecords', () => {
  it('finds records and their first lines, whatever the line breaks', () => {
    const text = 'a,b\r\n1,"two\r\nlines"\n\n,,\r3,x"y\n4;"q""uote"';
    expect(scanCsvRecords(text, ',')).toEqual({
      chunks: [
        { line: 1, text: 'a,b' },
        { line: 2, text: '1,"two\r\nlines"' },
        { line: 6, text: '3,x"y' },
        { line: 7, text: '4;"q""uote"' },
      ],
      malformed: [],
    });
  });

  it('reports a broken row on its line and keeps the rows after it', () => {
    const text = 'a,b\n1,"bad"x\n2,"never closed\n3,ok\n4,"multi\nline"z\n5,ok';
    const { chunks, malformed } = scanCsvRecords(text, ',');
    expect(chunks.map((chunk) => chunk.line)).toEqual([1, 4, 6, 7]);
    expect(chunks.map((chunk) => chunk.text)).toEqual(['a,b', '3,ok', 'line"z', '5,ok']);
    expect(malformed).toEqual([
      { line: 2, message: expect.stringMatching(/closing quote is followed by "x"/) },
      {
        line: 3,
        message: expect.stringMatching(/spans lines and a closing quote is followed by "m"/),
      },
      {
        line: 5,
        message: expect.stringMatching(/spans lines and a closing quote is followed by "z"/),
      },
    ]);
  });

  it('takes a row that spans lines into more cells than the header for a stray quote', () => {
    const { chunks, malformed } = scanCsvRecords('a,b\n1,"open\n2,",x"\n3,"two\nlines"', ',');
    expect(chunks).toEqual([
      { line: 1, text: 'a,b' },
      { line: 3, text: '2,",x"' },
      { line: 4, text: '3,"two\nlines"' },
    ]);
    expect(malformed).toEqual([
      {
        line: 2,
        message:
          'a quoted field that starts here spans lines into a row of 3 cells (the header has 2)',
      },
    ]);
  });

  it('refuses a quote left open to the end, and an endless row, without reading on forever', () => {
    expect(scanCsvRecords('a\n"open\nb', ',').malformed).toEqual([
      { line: 2, message: 'a quoted field that starts here is never closed' },
    ]);
    const long = `a\n"${'x'.repeat(MAX_RECORD_CHARS + 10)}\nb\n${'y'.repeat(MAX_RECORD_CHARS + 1)}\nc`;
    const scan = scanCsvRecords(long, ',');
    expect(scan.chunks.map((chunk) => chunk.text)).toEqual(['a', 'b', 'c']);
    expect(scan.malformed.map((problem) => problem.line)).toEqual([2, 4]);
    expect(scan.malformed[0]?.message).toMatch(/never closed within 65536 characters/);
    expect(scan.malformed[1]?.message).toMatch(/a row of 65537 characters/);
  });
});
