import { describe, expect, it } from 'vitest';
import { TurnListening } from './turn-listening.js';

const segment = (length: number, value: number) => new Int16Array(length).fill(value);

describe('TurnListening', () => {
  it('confirms a pause once the call’s audio holds the silence rule in all (turnEndMs)', async () => {
    const listening = new TurnListening(250, 700);
    const attempt = listening.pause(segment(4, 1));
    let confirmed = false;
    void attempt.silence.then(() => (confirmed = true));
    for (let ms = 0; ms < 440; ms += 20) listening.heard(20);
    await Promise.resolve();
    expect(confirmed).toBe(false);
    listening.heard(20);
    await Promise.resolve();
    expect(confirmed).toBe(true);
    expect(attempt.dropped).toBe(false);
  });

  it('drops the attempt when the caller goes on, and keeps their words for the next pause', async () => {
    const listening = new TurnListening(250, 700);
    const first = listening.pause(segment(2, 1));
    listening.callerSpoke();
    await expect(first.silence).rejects.toThrow('the caller went on');
    expect(first.dropped).toBe(true);
    const second = listening.pause(segment(3, 2));
    expect([...second.audio]).toEqual([1, 1, 2, 2, 2]);
    listening.confirmed();
    expect([...listening.pause(segment(1, 3)).audio]).toEqual([3]);
    listening.stop();
  });

  it('speech after a confirmed turn drops nothing', () => {
    const listening = new TurnListening(250, 700);
    const attempt = listening.pause(segment(1, 1));
    listening.confirmed();
    listening.callerSpoke();
    expect(attempt.dropped).toBe(false);
  });
});
