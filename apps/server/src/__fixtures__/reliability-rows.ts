import { appendFile, readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { type ReliabilityRow, rowLine } from '../../../../scripts/reliability-doc.mjs';
import { root } from './spawn-server.js';

/**
 * A fault-matrix row this test proved. Under `pnpm reliability` (`RELIABILITY_OUT` set)
 * it is collected for docs/reliability.md; in the suite, the page must already list it
 * exactly so (the suite never writes the page).
 */
export async function recordRow(area: string, fault: string, tried: number, outcome: string) {
  const row: ReliabilityRow = { area, fault, tried, outcome };
  const out = process.env['RELIABILITY_OUT'];
  if (out) {
    await appendFile(out, `${JSON.stringify(row)}\n`);
    return;
  }
  const page = await readFile(`${root}docs/reliability.md`, 'utf8');
  expect(page, 'docs/reliability.md is not current: run pnpm reliability').toContain(rowLine(row));
}
