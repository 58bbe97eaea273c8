/** The mark every psrkit error carries: one symbol for every copy of psrkit in a process. */
const MARK = Symbol.for('@psrkit/error');

/**
 * The base of every error psrkit throws: a stable `code` to branch on (the message is for
 * people). `instanceof` fails across two copies of a package (or realms); `isInstance`
 * does not — it checks the mark and the class's name:
 *
 * @example
 * ```ts
 * try { decodeEvent(frame); } catch (error) {
 *   if (ProtocolError.isInstance(error) && error.code === 'INVALID_JSON') …
 *   if (PsrkitError.isInstance(error)) log(error.code, error.message);
 * }
 * ```
 */
export class PsrkitError<Code extends string = string> extends Error {
  /** The error's class name (`ProtocolError`, `TransportError`, …). */
  override readonly name: string = 'PsrkitError';
  /** A stable code to branch on; the message is for people. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, MARK, { value: true });
  }

  /**
   * True for an error of this class — `PsrkitError.isInstance` for any psrkit error — made
   * by any copy of psrkit in any realm.
   */
  static isInstance<E extends PsrkitError>(
    this: abstract new (
      ...args: never[]
    ) => E,
    error: unknown,
  ): error is E {
    if (typeof error !== 'object' || error === null || !(MARK in error)) return false;
    // biome-ignore lint/complexity/noThisInStatic: the class it is called on (a subclass) decides
    return isOfClass(error, this);
  }
}

/** `PsrkitError` takes any marked error; a subclass, those that carry its name. */
function isOfClass(error: object, cls: unknown): boolean {
  return (
    cls === PsrkitError || (error as { name?: unknown }).name === (cls as { name: string }).name
  );
}
