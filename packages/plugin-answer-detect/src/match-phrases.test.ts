import { describe, expect, it } from 'vitest';
import { phraseReader, wordsMatched } from './match-phrases.js';
import { normaliseWords } from './normalise-text.js';
import {
  defaultPhraseLists,
  englishPhrases,
  parsePhraseList,
  vietnamesePhrases,
} from './phrase-list.js';

const read = phraseReader(defaultPhraseLists);

describe('normaliseWords', () => {
  it('drops tone marks, đ, case, apostrophes, punctuation and extra spaces', () => {
    expect(normaliseWords('  Thuê bao quý khách vừa gọi,  ĐANG bận… ')).toEqual(
      'thue bao quy khach vua goi dang ban'.split(' '),
    );
    expect(normaliseWords("You've reached\tJohn's phone!")).toEqual([
      'youve',
      'reached',
      'johns',
      'phone',
    ]);
    expect(normaliseWords('Thuê bao quý khách')).toEqual(normaliseWords('Thue bao quy khach'));
    expect(normaliseWords('')).toEqual([]);
  });
});

describe('wordsMatched', () => {
  const w = (s: string) => s.split(' ');
  it('finds a phrase anywhere, allowing one slip in four words', () => {
    expect(wordsMatched(w('a b c d'), w('x y a b c d z'))).toBe(4);
    expect(wordsMatched(w('a b c d'), w('a b q d'))).toBe(3);
    expect(wordsMatched(w('a b c d'), w('a b d'))).toBe(3);
    expect(wordsMatched(w('a b c d'), w('a q r d'))).toBeUndefined();
    expect(wordsMatched(w('a b c'), w('a b x'))).toBeUndefined(); // three words: exact only
  });
});

describe('phraseReader', () => {
  it('names each Vietnamese carrier announcement', () => {
    const cases: [string, string][] = [
      ['Thuê bao quý khách vừa gọi hiện đang bận, xin quý khách vui lòng gọi lại sau', 'busy'],
      ['Thuê bao quý khách vừa gọi tạm thời không liên lạc được', 'unreachable'],
      ['Thuê bao quý khách vừa gọi hiện không liên lạc được', 'unreachable'],
      ['Thuê bao quý khách vừa gọi hiện đang nằm ngoài vùng phủ sóng', 'out-of-coverage'],
      ['Số máy quý khách vừa gọi không có thực, xin vui lòng kiểm tra lại', 'invalid-number'],
      ['Số thuê bao quý khách vừa gọi tạm ngưng cung cấp dịch vụ', 'suspended'],
      ['Thuê bao quý khách vừa gọi hiện không trả lời', 'no-answer'],
      ['thue bao quy khach vua goi hien dang ban', 'busy'], // an engine without tone marks
      ['The number you have dialled is not in service', 'invalid-number'],
    ];
    for (const [text, kind] of cases)
      expect(read(text).decision, text).toMatchObject({
        kind: 'announcement',
        announcement: kind,
        exact: true,
      });
    expect(read('Thuê bao quý khách vừa gọi').decision).toMatchObject({ announcement: 'other' });
  });

  it('hears voicemail greetings, and a carrier mailbox that takes a message is a voicemail', () => {
    expect(read('Xin chào, vui lòng để lại lời nhắn sau tiếng bíp').decision?.kind).toBe(
      'voicemail',
    );
    expect(read("Hi, you've reached John, leave a message").decision?.kind).toBe('voicemail');
    expect(
      read('Thuê bao quý khách vừa gọi hiện không liên lạc được, vui lòng để lại lời nhắn')
        .decision,
    ).toMatchObject({ kind: 'voicemail', phrase: { phrase: 'để lại lời nhắn', language: 'vi' } });
  });

  it('does not take people for machines: hints alone decide nothing', () => {
    for (const text of [
      'Alô, em đang bận, lát gọi lại nhé',
      'Hello? He is not available right now.',
      'Dạ alô, ai đấy ạ?',
      'Alô, không liên lạc được với anh ấy',
      '',
    ])
      expect(read(text).decision, text).toBeUndefined();
    expect(read('Dạ alô, ai đấy ạ?').words).toBe(5);
  });

  it('marks an approximate match as such', () => {
    expect(read('the person you are calling cannot be reached').decision).toMatchObject({
      kind: 'announcement',
      exact: false,
    });
  });

  it('takes a list of the user’s own', () => {
    const mine = parsePhraseList({
      language: 'vi',
      phrases: [{ text: 'tổng đài tự động', kind: 'voicemail' }],
    });
    expect(phraseReader([mine])('Đây là tổng đài tự động của ngân hàng').decision?.kind).toBe(
      'voicemail',
    );
  });
});

describe('parsePhraseList', () => {
  it('accepts the bundled lists', () => {
    expect(vietnamesePhrases.phrases.length).toBeGreaterThan(20);
    expect(englishPhrases.language).toBe('en');
  });

  it('names the first bad entry with INVALID_PHRASES', () => {
    const bad = (data: unknown) => () => parsePhraseList(data);
    const invalid = (where: RegExp) =>
      expect.objectContaining({
        name: 'AnswerDetectError',
        code: 'INVALID_PHRASES',
        message: expect.stringMatching(where),
      });
    expect(bad(null)).toThrow(invalid(/^\$: /));
    expect(bad({ language: 'vi' })).toThrow(invalid(/\$\.phrases/));
    expect(bad({ language: 'vi', phrases: [{ text: 'x', kind: 'robot' }] })).toThrow(
      invalid(/\$\.phrases\[0\]\.kind/),
    );
    expect(
      bad({ language: 'vi', phrases: [{ text: 'x', kind: 'voicemail', announcement: 'busy' }] }),
    ).toThrow(invalid(/only for kind/));
    expect(
      bad({ language: 'vi', phrases: [{ text: 'x', kind: 'announcement', announcement: 'gone' }] }),
    ).toThrow(invalid(/announcement/));
  });
});
