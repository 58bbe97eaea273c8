import { decodeAction, encodeAction, type ProtocolError } from '@psrkit/protocol';
import type { ReceivedAction } from '@psrkit/transport/client';
import { describe, expect, it } from 'vitest';
import { actionRecord, type BotEnding, checkAction } from './action-judge.js';

const LIVE: BotEnding = { phase: 'live' };
/** A frame the bot sent, decoded as the PSR client does. */
const received = (frame: string): ReceivedAction => ({
  ok: true,
  action: decodeAction(frame),
  frame,
  receivedAt: 0,
});

describe('checkAction: one frame against the contract, before it is played', () => {
  it('plays a known action with no problem', () => {
    const hangup = received(encodeAction({ type: 'hangup' }));
    expect(checkAction(hangup, LIVE)).toEqual({ problems: [], play: { type: 'hangup' } });
  });

  it('reports extra fields and still plays the action', () => {
    const frame = JSON.stringify({ event: 'hangup', data: {}, extra: 1 });
    const checked = checkAction(received(frame), LIVE);
    expect(checked.problems.map((p) => p.code)).toEqual(['EXTRA_FIELDS']);
    expect(checked.play?.type).toBe('hangup');
  });

  it('plays nothing that does not decode, is unknown, or comes after the call’s end', () => {
    const error = (() => {
      try {
        decodeAction('{');
      } catch (thrown) {
        return thrown as ProtocolError;
      }
      throw new Error('decoded');
    })();
    const broken: ReceivedAction = { ok: false, error, frame: '{', receivedAt: 0 };
    expect(checkAction(broken, LIVE)).toEqual({
      problems: [{ code: error.code, message: error.message }],
    });
    const unknown = checkAction(received(JSON.stringify({ event: 'dance', data: {} })), LIVE);
    expect(unknown).toEqual({
      problems: [{ code: 'UNKNOWN_ACTION', message: 'unknown event "dance"' }],
    });
    const late = checkAction(received(encodeAction({ type: 'hangup' })), {
      phase: 'transferred',
      transfer: { atMs: 5, extension: '101' },
    });
    expect(late).toEqual({
      problems: [{ code: 'ACTION_AFTER_END', message: 'hangup after the call was transferred' }],
    });
  });
});

describe('actionRecord', () => {
  it('records media and chunks with their bytes and audio, transfer and hangup with none', () => {
    const media = decodeAction(
      encodeAction({ type: 'media', payload: new Uint8Array(44), isSync: true }),
    );
    expect(media.type === 'media' && actionRecord(media, 10, 800)).toEqual({
      atMs: 10,
      type: 'media',
      bytes: 44,
      audioMs: 100,
      isSync: true,
    });
    expect(actionRecord({ type: 'transfer', extension: '9' }, 20, 0)).toEqual({
      atMs: 20,
      type: 'transfer',
      bytes: 0,
      extension: '9',
    });
  });
});
