import { describe, expect, it } from 'vitest';
import { compileLame, configure, EncoderPool } from './encoder-pool.js';

const module = await compileLame();
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('EncoderPool', () => {
  it('tops up to its target, and keeps at most maxIdle of the encoders given back', async () => {
    const pool = new EncoderPool(module, 2, 2);
    await pool.topUp();
    expect(pool.idle).toBe(2);
    const taken = [pool.take(32)!, pool.take(32)!];
    expect(pool.take(32)).toBeUndefined();
    await pool.topUp();
    for (const entry of taken) pool.giveBack(entry);
    expect(pool.idle).toBe(2);
    expect(pool.stats.created).toBe(4);
  });

  it('hands out a clean encoder at the bitrate asked for when it has one, and cleans used ones between turns', async () => {
    const pool = new EncoderPool(module, 2, 8);
    await pool.topUp();
    await turn();
    await turn(); // both configured, one a turn (at 32 kbps)
    expect(pool.stats.configured).toBe(2);
    const used = pool.take(32)!;
    configure(used, 16);
    used.dirty = true; // a stream ran on it
    pool.giveBack(used);
    await turn();
    expect(used).toMatchObject({ dirty: false, bitrate: 16 });
    expect(pool.take(16)).toBe(used);
  });
});
