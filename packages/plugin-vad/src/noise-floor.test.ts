import { describe, expect, it } from 'vitest';
import { NoiseFloor } from './noise-floor.js';

describe('NoiseFloor', () => {
  it('starts at the first level, falls at once to a quieter piece, and rises slowly', () => {
    const floor = new NoiseFloor();
    expect(floor.at(-50)).toBe(-50);
    floor.follow(-50, false);
    floor.follow(-70, false);
    expect(floor.at(-20)).toBe(-70);
    floor.follow(-50, false); // 5 % of the way up a quiet piece
    expect(floor.at(-50)).toBeCloseTo(-69, 6);
  });

  it('hardly moves for a piece that may be a voice', () => {
    const floor = new NoiseFloor();
    floor.follow(-60, false);
    for (let i = 0; i < 50; i++) floor.follow(-20, true); // a second of speech in 20 ms pieces
    expect(floor.at(-20)).toBeGreaterThan(-60);
    expect(floor.at(-20)).toBeLessThan(-55);
  });
});
