import { ProtocolError } from '@psrkit/protocol';
import { describe, expect, it } from 'vitest';
import { PcmChunks } from './pcm-chunks.js';

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

describe('PcmChunks', () => {
  it('reads little-endian samples, and joins a sample split across two pieces', () => {
    const pcm = new PcmChunks();
    expect([...pcm.push(b64([0x01, 0x00, 0xff]))]).toEqual([1]);
    expect([...pcm.push(b64([0x7f, 0x02, 0x00]))]).toEqual([0x7fff, 2]);
    expect([...pcm.push(b64([0x00, 0x80]))]).toEqual([-32768]);
  });

  it('refuses what is not strict base64', () => {
    expect(() => new PcmChunks().push('AA A')).toThrow(ProtocolError);
  });
});
