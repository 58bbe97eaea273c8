import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { sentences } from './sentences.js';

const cut = (deltas: string[], minChars?: number) =>
  lastValueFrom(from(deltas).pipe(sentences(minChars), toArray()));

describe('sentences', () => {
  it('emits each sentence as soon as it is complete, whatever the deltas', async () => {
    expect(
      await cut(['Xin chào anh Nam. Em gọi từ', ' công ty điện lực! Anh có', ' rảnh không?']),
    ).toEqual(['Xin chào anh Nam.', 'Em gọi từ công ty điện lực!', 'Anh có rảnh không?']);
  });

  it('waits for the next delta before cutting at the end of the buffer ("3.14", "Mr. Nam")', async () => {
    expect(await cut(['The total is 3.', '14 dollars, thank you. Bye.'])).toEqual([
      'The total is 3.14 dollars, thank you.',
      'Bye.',
    ]);
  });

  it('keeps short pieces with the next sentence, and says the rest when the text ends', async () => {
    expect(await cut(['Ok. ', 'I will check your order now. And then', ' call back'])).toEqual([
      'Ok. I will check your order now.',
      'And then call back',
    ]);
    expect(await cut([])).toEqual([]);
  });
});
