import { TransportError } from './errors.js';

/** At most this many result fields per call. */
export const MAX_RESULT_FIELDS = 32;
/** A result field's value is cut to this many characters. */
export const MAX_RESULT_VALUE_LENGTH = 1000;
const NAME = /^[a-z][a-z0-9_]{0,39}$/;

/** A call's result fields: what the bot found out (a promised date, a choice, a score). */
export interface CallResult {
  /** The fields set so far. */
  readonly fields: Readonly<Record<string, string>>;
  /** Merges `fields` in (a later value replaces an earlier one); returns them as stored. */
  set(fields: Readonly<Record<string, string | number | boolean>>): Record<string, string>;
}

/**
 * A call's result fields, checked as they are set: names `^[a-z][a-z0-9_]{0,39}$`, at most
 * {@link MAX_RESULT_FIELDS} of them; values become strings cut to
 * {@link MAX_RESULT_VALUE_LENGTH} characters, without control characters.
 * @throws {TransportError} `INVALID_OPTION` (with `path`: the field) for a bad name, a
 *   value that is not a string, number or boolean, or one field too many; nothing is set then
 */
export function createCallResult(callId: string): CallResult {
  const fields: Record<string, string> = {};
  return {
    fields,
    set(more) {
      const entries = Object.entries(more).map(([name, value]) => {
        const path = `result.${name.slice(0, 60)}`;
        if (!NAME.test(name))
          throw new TransportError(
            'INVALID_OPTION',
            `a result field's name must match ${NAME.source}, got ${JSON.stringify(name.slice(0, 60))}`,
            { callId, path },
          );
        if (!['string', 'number', 'boolean'].includes(typeof value))
          throw new TransportError(
            'INVALID_OPTION',
            `result field ${name}: a string, number or boolean, got ${typeof value}`,
            { callId, path },
          );
        const text = String(value).replace(/[\u0000-\u001f\u007f]/g, ' ');
        return [name, text.slice(0, MAX_RESULT_VALUE_LENGTH)] as const;
      });
      const names = new Set([...Object.keys(fields), ...entries.map(([name]) => name)]);
      if (names.size > MAX_RESULT_FIELDS)
        throw new TransportError(
          'INVALID_OPTION',
          `a call keeps at most ${MAX_RESULT_FIELDS} result fields (${names.size} asked)`,
          { callId, path: 'result' },
        );
      for (const [name, text] of entries) fields[name] = text;
      return Object.fromEntries(entries);
    },
  };
}
