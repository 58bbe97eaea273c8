import { encodeAction } from '@psrkit/protocol';
import { describe, expect, it } from 'vitest';
import { receivedAction } from './psr-client.js';

describe('receivedAction: a frame from the server, as the PSR client reports it', () => {
  const limits = { callId: 'c', maxPayloadBytes: 1024 };

  it('decodes an action from a text frame', () => {
    const frame = encodeAction({ type: 'hangup' });
    expect(receivedAction(Buffer.from(frame), false, limits)).toMatchObject({
      ok: true,
      action: { type: 'hangup' },
      frame,
    });
  });

  it('reports a binary frame, and one that does not decode, with the frame', () => {
    const binary = receivedAction(Buffer.from([1, 2]), true, limits);
    expect(binary).toMatchObject({ ok: false, error: { code: 'BINARY_FRAME', callId: 'c' } });
    expect(binary.frame).toEqual(Buffer.from([1, 2]));
    expect(receivedAction(Buffer.from('{'), false, limits)).toMatchObject({
      ok: false,
      frame: '{',
      error: { name: 'ProtocolError' },
    });
  });
});
