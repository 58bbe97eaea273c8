import { EmulatedLine } from '@psrkit/line';
import type { PsrClient } from '@psrkit/transport/client';
import { describe, expect, it } from 'vitest';
import { CallClock, EmulatedCaller } from './emulated-caller.js';

/** A PSR client that records what the caller sends. */
function recordingClient() {
  const sent: string[] = [];
  const client = {
    sendMedia: (samples: Int16Array) => sent.push(`media ${samples.length}`) > 0,
    sendClosed: () => sent.push('closed') > 0,
    close: async (code: number, reason: string) => {
      sent.push(`close ${code} ${reason}`);
      return { code, reason };
    },
  };
  return { client: client as unknown as PsrClient, sent };
}
const track = (totalSamples: number) => ({
  caller: new Int16Array(0),
  channel: 'mono_a' as const,
  side: 'a' as const,
  pieceSamples: 160,
  totalSamples,
  tail: undefined,
});

describe('EmulatedCaller: PSR’s side of a call', () => {
  it('ends the call once, as PSR does: closed, then the socket closes', async () => {
    const { client, sent } = recordingClient();
    const line = new EmulatedLine({ decode: 'none' });
    const caller = new EmulatedCaller(client, line, track(1_000_000), new CallClock(1));
    caller.finish('bot', 1000, 'hangup');
    caller.finish('caller', 1000, 'aborted');
    caller.sendDue(); // nothing more goes out
    expect(sent).toEqual(['closed', 'close 1000 hangup']);
    expect(await caller.ended).toMatchObject({ by: 'bot', code: 1000, reason: 'hangup' });
    line.close();
  });

  it('sends nothing of its own when the server closed the call', async () => {
    const { client, sent } = recordingClient();
    const line = new EmulatedLine({ decode: 'none' });
    const caller = new EmulatedCaller(client, line, track(1_000_000), new CallClock(1));
    caller.finish('server', 1006, 'socket closed');
    expect(sent).toEqual([]);
    expect(await caller.ended).toMatchObject({ by: 'server', code: 1006 });
    line.close();
  });

  it('hangs up as the caller once all its audio has gone out', async () => {
    const { client, sent } = recordingClient();
    const line = new EmulatedLine({ decode: 'none' });
    const caller = new EmulatedCaller(client, line, track(0), new CallClock(1));
    caller.sendDue();
    expect(await caller.ended).toMatchObject({ by: 'caller', reason: 'caller hung up' });
    expect(sent).toEqual(['closed', 'close 1000 caller hung up']);
    line.close();
  });
});
