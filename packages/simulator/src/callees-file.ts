import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { CalleeRules } from './callee-behaviour.js';
import { compileMatch } from './callee-match.js';
import { SimulatorError } from './errors.js';
import { readPackageSchema, schemaChecker } from './json-schema-check.js';

/** A callees file as the schema describes it: {@link CalleeRules} without `baseDir`, recordings by name. */
export type CalleesFile = Omit<CalleeRules, 'baseDir'>;

/** The published JSON Schema (`@psrkit/simulator/callees.schema.json`), the one truth of the format. */
export const calleesSchema: Record<string, unknown> = readPackageSchema('callees.schema.json');

const checkSchema = schemaChecker<CalleesFile>(calleesSchema, {
  code: 'INVALID_CALLEES',
  tagNoun: 'callee type',
});

/**
 * Checks callees against the schema (recordings given as PCM count as named) and compiles
 * each rule's `match`.
 * @param source prefixes the path in errors (a file's name; default `callees`)
 * @throws {SimulatorError} `INVALID_CALLEES` naming the field (`callees.json $.rules[1].callee.type`)
 */
export function checkCallees(callees: unknown, source = 'callees'): CalleesFile {
  const asJson = JSON.parse(
    JSON.stringify(callees, (_, value) => (value instanceof Int16Array ? '<pcm>' : value)) ??
      'null',
  );
  checkSchema(asJson, source);
  const file = callees as CalleesFile;
  for (const [i, rule] of (file.rules ?? []).entries())
    compileMatch(rule.match, `${source} $.rules[${i}].match`);
  return file;
}

/**
 * Reads a callees file (JSON) and checks it; its recordings are resolved from its folder
 * when the emulator starts.
 *
 * @example
 * ```ts
 * const api = await startPsrApiEmulator({ tokens: ['t'], callees: await loadCallees('callees.json') });
 * ```
 * @throws {SimulatorError} `INVALID_CALLEES` when the file cannot be read, is not JSON or breaks the schema
 */
export async function loadCallees(path: string): Promise<CalleeRules> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new SimulatorError('INVALID_CALLEES', `cannot read: ${(cause as Error).message}`, {
      path,
      cause,
    });
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (cause) {
    throw new SimulatorError('INVALID_CALLEES', `not JSON: ${(cause as Error).message}`, {
      path,
      cause,
    });
  }
  return { ...checkCallees(root, path), baseDir: dirname(resolve(path)) };
}
