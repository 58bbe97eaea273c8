import { PsrkitError } from '@psrkit/protocol';

/** A setting of the environment-configured agent is missing or wrong; `variable` names it. */
export class AgentConfigError extends PsrkitError<'INVALID_CONFIG'> {
  /** Always `AgentConfigError`. */
  override readonly name = 'AgentConfigError';
  constructor(
    /** The environment variable at fault, e.g. `PSRKIT_LLM_MODEL`. */
    readonly variable: string,
    message: string,
  ) {
    super('INVALID_CONFIG', `${variable}: ${message}`);
  }
}

/** Reads settings from an environment, each failure an {@link AgentConfigError} naming the variable. */
export interface EnvReader {
  /** The trimmed value, or undefined when unset or blank. */
  value(name: string): string | undefined;
  /** The value, or an error saying what it should hold. */
  required(name: string, what: string): string;
  /** An http(s) URL — or with `ws`, ws(s) too — (default `fallback`), without a trailing slash. */
  url(name: string, fallback: string, ws?: 'ws'): string;
  /** One of `allowed` (default `fallback`). */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  /** An integer in [min, max] (default `fallback`). */
  integer(name: string, fallback: number, min: number, max: number): number;
}

/** What a value was, quoted and cut short for an error message. */
const shown = (value: string | undefined, max = 40) => JSON.stringify(value?.slice(0, max));

/** An {@link EnvReader} over `env`. */
export function envReader(env: NodeJS.ProcessEnv): EnvReader {
  const value = (name: string) => (env[name] ?? '').trim() || undefined;
  return {
    value,
    required(name, what) {
      const v = value(name);
      if (!v) throw new AgentConfigError(name, `is required: ${what}`);
      return v;
    },
    url(name, fallback, ws) {
      const v = value(name) ?? fallback;
      const scheme = ws ? /^(https?|wss?):\/\/[^\s]+$/ : /^https?:\/\/[^\s]+$/;
      if (!scheme.test(v))
        throw new AgentConfigError(
          name,
          `must be an ${ws ? 'http(s) or ws(s)' : 'http(s)'} URL, got ${shown(v, 80)}`,
        );
      return v.replace(/\/+$/, '');
    },
    oneOf(name, allowed, fallback) {
      const v = value(name) ?? fallback;
      if (!allowed.includes(v as (typeof allowed)[number]))
        throw new AgentConfigError(name, `must be ${allowed.join(' or ')}, got ${shown(v)}`);
      return v as (typeof allowed)[number];
    },
    integer(name, fallback, min, max) {
      const v = Number(value(name) ?? fallback);
      if (!Number.isInteger(v) || v < min || v > max)
        throw new AgentConfigError(
          name,
          `must be an integer from ${min} to ${max}, got ${shown(value(name))}`,
        );
      return v;
    },
  };
}
