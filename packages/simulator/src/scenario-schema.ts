import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { SimulatorError } from './errors.js';

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
export const scenarioSchema: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../scenario.schema.json', import.meta.url), 'utf8'),
);

const validate = new Ajv({
  discriminator: true,
  verbose: true,
  strict: false,
}).compile<ScenarioFile>(scenarioSchema);

/**
 * Checks a parsed scenario file against the schema.
 * @throws {SimulatorError} `INVALID_SCENARIO` naming the field (`$.caller[0].atMs`) and what is wrong
 */
export function checkScenarioFile(root: unknown): ScenarioFile {
  if (validate(root)) return root;
  const error = validate.errors![0]!;
  const [path, message] = describe(error);
  throw new SimulatorError('INVALID_SCENARIO', message, { path: path });
}

/** `/caller/1/atMs` → `$.caller[1].atMs`. */
const jsonPath = (pointer: string): string =>
  `$${pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')}`;

/** One validation error in the words of the rest of psr-sim: where, and what is wrong. */
function describe(error: ErrorObject): [path: string, message: string] {
  const at = jsonPath(error.instancePath);
  const got = JSON.stringify(error.data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return [`${at}.${params['missingProperty']}`, 'is required'];
    case 'additionalProperties': {
      const allowed = Object.keys(
        (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
      ).filter((key) => key !== '$schema');
      return [
        `${at}.${params['additionalProperty']}`,
        `unknown field${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
      ];
    }
    case 'type':
      return [
        at,
        `must be ${params['type'] === 'object' ? 'an' : 'a'} ${params['type']}, got ${got}`,
      ];
    case 'minimum':
      return [at, `must be a number ≥ ${params['limit']}, got ${got}`];
    case 'enum':
      return [
        at,
        `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}, got ${got}`,
      ];
    case 'minItems':
      return [at, `must hold at least ${params['limit']} item, got none`];
    case 'discriminator':
      return [
        `${at}.type`,
        `unknown expectation ${JSON.stringify(params['tagValue'])} (action, reply, bot-audio, barge-in, transfer, hangup, no-violations, no-underruns)`,
      ];
    default:
      return [at, `${error.message ?? 'is invalid'}, got ${got}`];
  }
}
