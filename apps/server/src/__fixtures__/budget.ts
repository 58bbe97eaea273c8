import { expect } from 'vitest';

/**
 * A timing-tier check: `measured` must stay within `budget`. On failure the message
 * says the figure, the budget and what they measure, so a slow machine can be told
 * from a slow server.
 */
export function expectWithinBudget(what: string, measured: number, budget: number, unit = 'ms') {
  const line = `${what}: measured ${round(measured)} ${unit}, budget ${round(budget)} ${unit}`;
  // Printed either way: a passing run shows its margin too.
  console.info(line);
  expect(measured, line).toBeLessThanOrEqual(budget);
}

const round = (value: number) => Math.round(value * 10) / 10;
