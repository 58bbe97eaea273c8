import { describe, expect, it } from 'vitest';
import { readsComplete } from './turn-complete.js';

describe('readsComplete', () => {
  it('takes a finished sentence of two words or more as the end of a turn', () => {
    expect(readsComplete('Hello, who are you?')).toBe(true);
    expect(readsComplete('I want to change my plan.')).toBe(true);
    expect(readsComplete('Dạ, cho em hỏi giá gói cước?')).toBe(true);
    expect(readsComplete('Yes it is.')).toBe(true);
    expect(readsComplete('Vâng, được ạ.')).toBe(true);
    expect(readsComplete('"That is fine."')).toBe(true);
  });

  it('waits when the words stop short of a sentence', () => {
    expect(readsComplete('Well.')).toBe(false);
    expect(readsComplete('I want to')).toBe(false);
    expect(readsComplete('I want to...')).toBe(false);
    expect(readsComplete('So I was thinking…')).toBe(false);
  });

  it('waits when a full stop follows a word that leaves the sentence hanging', () => {
    expect(readsComplete('I would like to.')).toBe(false);
    expect(readsComplete('I called about the.')).toBe(false);
    expect(readsComplete('My number is, um.')).toBe(false);
    expect(readsComplete('Tôi muốn hỏi về gói cước và.')).toBe(false);
    expect(readsComplete('Em gọi để hỏi là.')).toBe(false);
    expect(readsComplete('ANH ƠI, CHO TÔI HỎI VỀ CỦA.')).toBe(false);
  });

  it('lets a question end on a preposition', () => {
    expect(readsComplete('Where are you calling from?')).toBe(true);
    expect(readsComplete('Who is this for?')).toBe(true);
  });
});
