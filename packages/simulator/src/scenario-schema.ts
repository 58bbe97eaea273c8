import { readPackageSchema, schemaChecker } from './json-schema-check.js';

/** A scenario file as the schema describes it (before its recordings are read). */
export interface ScenarioFile {
  readonly name?: string;
  readonly url?: string;
  readonly tenant?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly channel?: 'stereo' | 'mono_a' | 'mono_b';
  readonly side?: 'a' | 'b';
  readonly caller: readonly { readonly atMs: number; readonly say: string }[];
  readonly tailMs?: number;
  readonly expect: readonly ({ readonly type: string } & Record<string, unknown>)[];
}

/** The published JSON Schema (`@psrkit/simulator/scenario.schema.json`), the one truth of the format. */
export const scenarioSchema: Record<string, unknown> = readPackageSchema('scenario.schema.json');

/**
 * Checks a parsed scenario file against the schema.
 * @throws {SimulatorError} `INVALID_SCENARIO` naming the field (`$.caller[0].atMs`) and what is wrong
 */
export const checkScenarioFile: (root: unknown) => ScenarioFile = schemaChecker<ScenarioFile>(
  scenarioSchema,
  { code: 'INVALID_SCENARIO', tagNoun: 'expectation' },
);
