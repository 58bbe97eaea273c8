import { describe, expect, it } from 'vitest';
import { compileTemplate, fillTemplate } from './fill-template.js';
import { TtsCacheError } from './tts-cache-error.js';

const GREETING = 'Dạ chào {danh_xung} {ten}, em gọi từ {cong_ty} ạ.';

/** The code and subject of the error `work` throws. */
function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (TtsCacheError.isInstance(error)) return `${error.code} ${error.subject}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('compileTemplate', () => {
  it('names its placeholders once each, in order', () => {
    expect(compileTemplate('{a} {b} {a} {tên_khách}').placeholders).toEqual([
      'a',
      'b',
      'tên_khách',
    ]);
    expect(compileTemplate('Xin chào.').placeholders).toEqual([]);
  });

  it("fills a call's parameters in, tidied", () => {
    const greeting = compileTemplate(GREETING);
    const params = { danh_xung: ' anh ', ten: 'Nam', cong_ty: 'Bảo\n Việt', extra: 'unused' };
    expect(greeting.fill(params)).toBe('Dạ chào anh Nam, em gọi từ Bảo Việt ạ.');
    expect(greeting.fill({ ...params, danh_xung: 'chị', ten: 'Lan' })).toBe(
      'Dạ chào chị Lan, em gọi từ Bảo Việt ạ.',
    );
  });

  it('reads {{ and }} as braces, and a value is never read as a template', () => {
    expect(fillTemplate('{{x}} = {x}', { x: '{y}' })).toBe('{x} = {y}');
  });

  it('composes values to NFC, so one name is one cache entry', () => {
    expect(fillTemplate('{ten}', { ten: 'Nguyễn'.normalize('NFD') })).toBe(
      'Nguyễn'.normalize('NFC'),
    );
  });

  it('refuses a template it cannot read', () => {
    expect(refusal(() => compileTemplate('Chào {ten'))).toBe(
      'INVALID_TEMPLATE template: template "Chào {ten": a "{" never closed at character 6',
    );
    expect(refusal(() => compileTemplate('Chào ten}'))).toMatch(
      /^INVALID_TEMPLATE template: .*closes nothing/,
    );
    expect(refusal(() => compileTemplate('Chào {}'))).toMatch(/placeholder "" is not a name/);
    expect(refusal(() => compileTemplate('Chào {a-b}'))).toMatch(/placeholder "a-b" is not a name/);
  });

  it('refuses a placeholder without a parameter', () => {
    expect(refusal(() => fillTemplate(GREETING, { danh_xung: 'anh', ten: 'Nam' }))).toBe(
      'UNKNOWN_PLACEHOLDER cong_ty: no parameter for placeholder {cong_ty}',
    );
    // Not an object's inherited properties either.
    expect(refusal(() => fillTemplate('{constructor}', {}))).toMatch(
      /^UNKNOWN_PLACEHOLDER constructor/,
    );
  });

  it('refuses a value that is empty, too long or holds control characters, cut short in the message', () => {
    expect(refusal(() => fillTemplate('{ten}', { ten: '  ' }))).toBe(
      'INVALID_PARAM ten: parameter ten ("") is empty',
    );
    const long = 'A'.repeat(5000);
    const message = refusal(() => fillTemplate('{ten}', { ten: long }));
    expect(message).toMatch(
      /^INVALID_PARAM ten: parameter ten \("A{40}…"\) is 5000 characters long, over the 60 allowed$/,
    );
    expect(refusal(() => fillTemplate('{ten}', { ten: 'Nam\u0000' }))).toMatch(
      /holds control characters$/,
    );
    expect(fillTemplate('{ten}', { ten: 'A'.repeat(80) }, { maxValueLength: 80 })).toHaveLength(80);
  });

  it('refuses a bad maxValueLength', () => {
    expect(refusal(() => compileTemplate('{a}', { maxValueLength: 0 }))).toMatch(
      /^INVALID_OPTION maxValueLength/,
    );
  });
});
