// Code shape: no production function over MAX_LINES lines unless the allow-list names it
// with a reason; and no allow-list entry for a function that is short now.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the repository's scripts, without types
import { longFunctions, MAX_LINES } from '../scripts/code-shape.mjs';
// @ts-expect-error: a plain ES module of the repository's scripts, without types
import { ALLOWED_LONG_FUNCTIONS } from '../scripts/code-shape-allow.mjs';
import { root } from './fixtures/packed.js';

interface LongFunction {
  readonly file: string;
  readonly name: string;
  readonly line: number;
  readonly lines: number;
}

const allowed = ALLOWED_LONG_FUNCTIONS as Set<string>;
const found = longFunctions(root) as LongFunction[];
const key = (f: LongFunction) => `${f.file} ${f.name}`;

describe(`code shape: production functions of at most ${MAX_LINES} lines`, () => {
  it('has no long function the allow-list does not name', () => {
    const unexpected = found
      .filter((f) => !allowed.has(key(f)))
      .map((f) => `${f.file}:${f.line} ${f.name}: ${f.lines} lines`);
    expect(unexpected).toEqual([]);
  });

  it('has no allow-list entry for a function that is short now (or gone)', () => {
    const long = new Set(found.map(key));
    expect([...allowed].filter((entry) => !long.has(entry))).toEqual([]);
  });
});
