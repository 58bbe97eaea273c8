import { describe, expect, it } from 'vitest';
import { cleanFieldValue, normaliseFieldName } from './contact-fields.js';

describe('normaliseFieldName', () => {
  it('makes column names field names, Vietnamese ones included', () => {
    expect(normaliseFieldName(' Danh xưng ')).toBe('danh_xung');
    expect(normaliseFieldName('Số điện thoại')).toBe('so_dien_thoai');
    expect(normaliseFieldName('ĐỊA CHỈ')).toBe('dia_chi');
    expect(normaliseFieldName('Ngày-sinh')).toBe('ngay_sinh');
    expect(normaliseFieldName('amount_2')).toBe('amount_2');
  });

  it('refuses what is still not a field name', () => {
    for (const name of ['', '  ', '2nd', '_x', 'tên!', 'a.b', '=cmd', 'x'.repeat(41), '名前']) {
      expect(normaliseFieldName(name), name).toBeUndefined();
    }
    expect(normaliseFieldName('x'.repeat(40))).toBe('x'.repeat(40));
  });
});

describe('cleanFieldValue', () => {
  it('keeps text and drops what a URL or a screen would misread', () => {
    expect(cleanFieldValue(' a\r\n\tb  c ')).toBe('a b c');
    expect(cleanFieldValue('x\u0000y\u001b[31mz\u007f')).toBe('xy[31mz');
    expect(cleanFieldValue('\u202eabc\u202c\ufeff')).toBe('abc');
    expect(cleanFieldValue('Tr\u0061\u0300n')).toBe('Tràn');
  });
});
