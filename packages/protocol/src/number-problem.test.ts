import { describe, expect, it } from 'vitest';
import { numberProblem } from './number-problem.js';

describe('numberProblem', () => {
  it('says what is wrong in one wording, or nothing', () => {
    expect(numberProblem(5, { min: 1, max: 10 })).toBeUndefined();
    expect(numberProblem(0.5, { min: 0, max: 1, integer: true })).toBe(
      'must be a whole number from 0 to 1, got 0.5',
    );
    expect(numberProblem(Number.NaN, { min: 0, max: 1 })).toBe(
      'must be a number from 0 to 1, got NaN',
    );
    expect(numberProblem(-1, { min: 0 })).toBe('must be a number ≥ 0, got -1');
    expect(numberProblem(1e12, { min: 0 })).toBeUndefined();
  });
});
