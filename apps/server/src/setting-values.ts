// How `psrkit-server` reads each setting's value (from a flag or a variable), and the one
// error a wrong value gets.
import { checkExtension, PsrkitError } from '@psrkit/protocol';
import type { TenantToken } from '@psrkit/transport';

/** A configuration value is wrong: `option` names the flag or the variable it came from. */
export class ConfigError extends PsrkitError<'INVALID_CONFIG'> {
  override readonly name = 'ConfigError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super('INVALID_CONFIG', `${option}: ${message}`);
  }
}

/** Reads one value; `name` is the flag or variable it came from, for the error. */
export type Parse<T> = (value: string, name: string) => T;

export const integer =
  (min: number, max: number): Parse<number> =>
  (value, name) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError(
        name,
        `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    return n;
  };
/** A number from `min` to `max`, fractions allowed (`0.7`). */
export const decimal =
  (min: number, max: number): Parse<number> =>
  (value, name) => {
    const n = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new ConfigError(
        name,
        `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    return n;
  };
export const oneOf =
  <T extends string | number>(allowed: readonly T[]): Parse<T> =>
  (value, name) => {
    const found = allowed.find((a) => String(a) === value);
    if (found === undefined)
      throw new ConfigError(
        name,
        `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
      );
    return found;
  };
export const text: Parse<string> = (value) => value;
export const listBy =
  (separator: string): Parse<string[]> =>
  (value) =>
    value
      .split(separator)
      .map((item) => item.trim())
      .filter(Boolean);
export const list = listBy(',');
export const path: Parse<string> = (value, name) => {
  if (!value.startsWith('/'))
    throw new ConfigError(name, `must start with "/", got ${JSON.stringify(value)}`);
  return value;
};
/**
 * A comma-separated list of `<token>` or `<label>:<token>` entries (the first `:` splits,
 * so a token may hold more); `shape` names the label in the error.
 */
const labelledTokens = (
  value: string,
  name: string,
  shape: string,
): { readonly label?: string; readonly token: string }[] =>
  list(value, name).map((item) => {
    const at = item.indexOf(':');
    if (at < 0) return { token: item };
    const label = item.slice(0, at);
    const token = item.slice(at + 1);
    if (!label || !token)
      throw new ConfigError(name, `write each entry as <token> or <${shape}>:<token>`);
    return { label, token };
  });
/** `tok` opens any tenant's calls; `tenant:tok` only that tenant's. */
export const tokenList: Parse<(string | TenantToken)[]> = (value, name) =>
  labelledTokens(value, name, 'tenant').map(({ label, token }) =>
    label === undefined ? token : { tenant: label, token },
  );
/** `<name>:<token>` or `<token>` (named `admin-<n>` by its place in the list). */
export const namedTokenList: Parse<{ name: string; token: string }[]> = (value, name) =>
  labelledTokens(value, name, 'name').map(({ label, token }, i) => ({
    name: label ?? `admin-${i + 1}`,
    token,
  }));
export const botErrorPolicy: Parse<
  { readonly action: 'hangup' } | { readonly action: 'transfer'; readonly extension: string }
> = (value, name) => {
  if (value === 'hangup') return { action: 'hangup' };
  const match = /^transfer:(.+)$/.exec(value);
  if (match) {
    try {
      return { action: 'transfer', extension: checkExtension(match[1]!, name) };
    } catch (error) {
      throw new ConfigError(name, (error as Error).message);
    }
  }
  throw new ConfigError(
    name,
    `must be "hangup" or "transfer:<extension>", got ${JSON.stringify(value)}`,
  );
};
export const onOff: Parse<boolean> = (value, name) => oneOf(['on', 'off'])(value, name) === 'on';
