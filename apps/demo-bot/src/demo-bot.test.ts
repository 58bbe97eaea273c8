import { describe, expect, it } from 'vitest';
import { createDemoBot, demoBotOptionsFromEnv } from './demo-bot.js';

describe('demo bot configuration', () => {
  it('reads its options from the environment', () => {
    expect(
      demoBotOptionsFromEnv({
        DEMO_TURN_END_MS: '500',
        DEMO_TURNS: '2',
        DEMO_SILENCE_MS: '3000',
        DEMO_TRANSFER_TO: '202',
      }),
    ).toEqual({ turnEndMs: 500, turnsBeforeTransfer: 2, silenceHangupMs: 3000, transferTo: '202' });
    expect(demoBotOptionsFromEnv({})).toEqual({});
  });

  it('refuses bad values with the variable named', () => {
    expect(() => demoBotOptionsFromEnv({ DEMO_TURNS: 'three' })).toThrow(/DEMO_TURNS/);
    expect(() => createDemoBot({ transferTo: 'not an extension!' })).toThrow(/transferTo/);
  });
});
