import { expectTypeOf, it } from 'vitest';
import type { CALLEE_TYPES, CalleeBehaviour } from './callee-behaviour.js';

it('CALLEE_TYPES lists every behaviour type', () => {
  expectTypeOf<(typeof CALLEE_TYPES)[number]>().toEqualTypeOf<CalleeBehaviour['type']>();
});
