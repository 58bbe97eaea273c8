import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { SimulatorError, type SimulatorErrorCode } from './errors.js';

// The one way psr-sim checks a file against a JSON Schema it publishes (scenarios, callees):
// the schema is the truth of the format; errors name the field and say what to write.

/** Reads a schema shipped beside `dist/` (`scenario.schema.json`). */
export const readPackageSchema = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../${name}`, import.meta.url), 'utf8'));

/** What a schema checker is told about its format. */
export interface SchemaCheckerOptions {
  /** The error code for a file that breaks the schema. */
  readonly code: SimulatorErrorCode;
  /** What the format's discriminated union holds, for "unknown expectation …" messages. */
  readonly tagNoun: string;
}

/**
 * Compiles `schema` into a checker that returns its input typed as `T`, or throws the
 * first problem found.
 * @returns `(root, source?)`: `source` (a file's name) prefixes the path in errors
 */
export function schemaChecker<T>(
  schema: Record<string, unknown>,
  { code, tagNoun }: SchemaCheckerOptions,
): (root: unknown, source?: string) => T {
  const validate = new Ajv({ discriminator: true, verbose: true, strict: false }).compile<T>(
    schema,
  );
  return (root, source) => {
    if (validate(root)) return root;
    const [path, message] = describe(validate.errors![0]!, tagNoun);
    throw new SimulatorError(code, message, { path: source ? `${source} ${path}` : path });
  };
}

/** `/caller/1/atMs` → `$.caller[1].atMs`. */
const jsonPath = (pointer: string): string =>
  `$${pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')}`;

/** The tags a discriminated union admits: each branch's `const` or `enum`. */
function tagsOf(parentSchema: unknown, tag: string): string[] {
  const branches = (parentSchema as { oneOf?: { properties?: Record<string, unknown> }[] }).oneOf;
  return (branches ?? []).flatMap((branch) => {
    const property = branch.properties?.[tag] as { const?: string; enum?: string[] } | undefined;
    return property?.const !== undefined ? [property.const] : (property?.enum ?? []);
  });
}

/** One validation error in the words of the rest of psr-sim: where, and what is wrong. */
function describe(error: ErrorObject, tagNoun: string): [path: string, message: string] {
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
    case 'type': {
      const types = String(params['type']).split(',');
      const article = types[0] === 'object' || types[0] === 'integer' ? 'an' : 'a';
      return [at, `must be ${article} ${types.join(' or ')}, got ${got}`];
    }
    case 'minimum':
      return [at, `must be a number ≥ ${params['limit']}, got ${got}`];
    case 'maximum':
      return [at, `must be a number ≤ ${params['limit']}, got ${got}`];
    case 'enum':
      return [
        at,
        `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}, got ${got}`,
      ];
    case 'minItems':
      return [at, `must hold at least ${params['limit']} item, got none`];
    case 'discriminator': {
      const tag = String(params['tag']);
      const tags = tagsOf(error.parentSchema, tag);
      return [
        `${at}.${tag}`,
        `unknown ${tagNoun} ${JSON.stringify(params['tagValue'])} (${tags.join(', ')})`,
      ];
    }
    default:
      return [at, `${error.message ?? 'is invalid'}, got ${got}`];
  }
}
