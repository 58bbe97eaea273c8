import type { CalleeMatch } from './callee-behaviour.js';
import { SimulatorError } from './errors.js';

/** A compiled {@link CalleeMatch}: does this destination fit? */
export type DestinationTest = (destination: string) => boolean;

/** `+8490*` → /^\+8490.*$/: `*` any run of characters, `?` one, everything else literal. */
function globToRegExp(glob: string): RegExp {
  const source = [...glob]
    .map((char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 's');
}

/**
 * Compiles a rule's `match`.
 * @param path where the match is, for the error (`$.rules[2].match`)
 * @throws {SimulatorError} `INVALID_CALLEES` for a regular expression that does not compile
 *   or a `lastDigit` that is not a digit 0–9
 */
export function compileMatch(match: CalleeMatch, path: string): DestinationTest {
  if (typeof match === 'string') {
    if (!/[*?]/.test(match)) return (destination) => destination === match;
    const glob = globToRegExp(match);
    return (destination) => glob.test(destination);
  }
  if ('regex' in match) {
    let regex: RegExp;
    try {
      regex = new RegExp(match.regex);
    } catch (cause) {
      throw new SimulatorError('INVALID_CALLEES', `not a regular expression: ${match.regex}`, {
        path: `${path}.regex`,
        cause,
      });
    }
    return (destination) => regex.test(destination);
  }
  const digits = typeof match.lastDigit === 'number' ? [match.lastDigit] : match.lastDigit;
  const bad = digits.find((d) => !Number.isInteger(d) || d < 0 || d > 9);
  if (bad !== undefined || digits.length === 0)
    throw new SimulatorError('INVALID_CALLEES', `must be digits 0–9, got ${JSON.stringify(bad)}`, {
      path: `${path}.lastDigit`,
    });
  const last = new Set(digits.map(String));
  return (destination) => last.has(destination.slice(-1));
}
