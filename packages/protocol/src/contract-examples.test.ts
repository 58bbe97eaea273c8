import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isProtocolError } from './errors.js';
import { decodeEvent } from './inbound-event.js';
import {
  chunkAction,
  decodeAction,
  encodeAction,
  hangupAction,
  mediaAction,
  transferAction,
} from './outbound-action.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/contract/${name}`, import.meta.url), 'utf8');
/** The vendor's examples, with JSON's insignificant spaces removed. */
const compact = (name: string): string => JSON.stringify(JSON.parse(fixture(name)));
const vendorPayload = Buffer.from('TEL4VN.COM'); // decoders hand out Buffers (Uint8Array subclass)

describe('the contract examples (psr-protocol.md §2, §3)', () => {
  it('§2 media event with a real payload decodes to stereo samples', () => {
    const event = decodeEvent(fixture('event-media.json'));
    expect(event).toMatchObject({
      type: 'media',
      timestamp: 1703825536716,
      callId: 'aaaaaaaa-1111-2222-3333-eeeeeeee',
      channel: 'stereo',
    });
    if (event.type !== 'media') throw new Error('not media');
    expect([...event.samples]).toEqual([1, 2, -1, -32768]);
    expect(event.extraFields).toBeUndefined();
  });

  it('§2 example as printed: its "<base64>" placeholder is rejected with the field path', () => {
    expect(() => decodeEvent(fixture('event-media-placeholder.json'))).toThrow(
      expect.objectContaining({ code: 'INVALID_BASE64', path: '$.media.payload' }),
    );
  });

  it('§3 vendor examples decode to the actions they describe', () => {
    expect(decodeAction(fixture('action-media.json'))).toEqual(
      mediaAction(vendorPayload, { isSync: false }),
    );
    expect(decodeAction(fixture('action-chunk.json'))).toEqual(
      chunkAction(vendorPayload, { format: 'mp3' }),
    );
    expect(decodeAction(fixture('action-transfer.json'))).toEqual(transferAction('101'));
    expect(decodeAction(fixture('action-hangup.json'))).toEqual(hangupAction());
  });

  it('§3 our encoder writes exactly the vendor examples', () => {
    expect(encodeAction(mediaAction(vendorPayload))).toBe(compact('action-media.json'));
    expect(encodeAction(chunkAction(vendorPayload))).toBe(compact('action-chunk.json'));
    expect(encodeAction(transferAction('101'))).toBe(compact('action-transfer.json'));
    expect(encodeAction(hangupAction())).toBe(compact('action-hangup.json'));
  });

  it('§3 generic shape: fields another event uses are tolerated and reported', () => {
    const generic = fixture('action-generic.json').replace('<base64>', 'VEVMNFZOLkNPTQ==');
    const action = decodeAction(generic);
    expect(action).toMatchObject({ type: 'chunk', format: 'mp3' });
    expect(action.type !== 'unknown' && action.extraFields).toEqual(['$.data', '$.media.is_sync']);
  });

  it('the misspelt "tranfer" is an unknown action, not a transfer', () => {
    const action = decodeAction('{"event":"tranfer","data":{"extension":"101"}}');
    expect(action).toMatchObject({ type: 'unknown', event: 'tranfer' });
  });

  it('errors are ProtocolErrors with a readable message', () => {
    let thrown: unknown;
    try {
      decodeEvent(fixture('event-media-placeholder.json'));
    } catch (error) {
      thrown = error;
    }
    expect(isProtocolError(thrown, 'INVALID_BASE64')).toBe(true);
    expect((thrown as Error).message).toMatch(/^\$\.media\.payload: invalid base64: character "<"/);
  });
});
