import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PsrApiError } from './create-stream.js';
import { ProtocolError } from './errors.js';
import { PsrkitError } from './psrkit-error.js';

describe('PsrkitError', () => {
  it('every psrkit error is one, with a stable code; isInstance tells the classes apart', () => {
    const error = new ProtocolError('INVALID_JSON', 'not JSON', { path: '$' });
    expect(error).toBeInstanceOf(PsrkitError);
    expect(error).toMatchObject({ name: 'ProtocolError', code: 'INVALID_JSON', path: '$' });
    expect(PsrkitError.isInstance(error)).toBe(true);
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect(PsrApiError.isInstance(error)).toBe(false);
    expect(PsrkitError.isInstance(new Error('x'))).toBe(false);
    expect(PsrkitError.isInstance('INVALID_JSON')).toBe(false);
    expect(PsrkitError.isInstance(null)).toBe(false);
  });

  it('isInstance holds across realms and copies of the package, where instanceof fails', () => {
    // An error made in another realm by another copy of the class: same mark, same name.
    const foreign = runInNewContext(`
      class ProtocolError extends Error {
        constructor() { super('$: not JSON'); this.name = 'ProtocolError'; this.code = 'INVALID_JSON';
          Object.defineProperty(this, Symbol.for('@psrkit/error'), { value: true }); }
      }
      new ProtocolError();
    `) as unknown;
    expect(foreign instanceof ProtocolError).toBe(false);
    expect(ProtocolError.isInstance(foreign)).toBe(true);
    expect(PsrkitError.isInstance(foreign)).toBe(true);
    expect(PsrApiError.isInstance(foreign)).toBe(false);
  });
});
