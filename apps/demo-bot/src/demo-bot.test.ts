import { createPsrServer, silentLogger } from '@psrkit/transport';
import { connectAsPsr } from '@psrkit/transport/client';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { countingTts } from './__fixtures__/counting-tts.js';
import { addressAs, createDemoBot, MAX_NAME_CHARS } from './demo-bot.js';
import { demoBotOptionsFromEnv } from './demo-bot-options.js';

describe('demo bot configuration', () => {
  it('reads its options from the environment', () => {
    expect(
      demoBotOptionsFromEnv({
        DEMO_TURN_END_MS: '500',
        DEMO_TURNS: '2',
        DEMO_SILENCE_MS: '3000',
        DEMO_TRANSFER_TO: '202',
        DEMO_VAD: 'webrtc',
      }),
    ).toEqual({
      turnEndMs: 500,
      turnsBeforeTransfer: 2,
      silenceHangupMs: 3000,
      transferTo: '202',
      vad: 'webrtc',
    });
    expect(demoBotOptionsFromEnv({})).toEqual({});
  });

  it('refuses bad values with the variable named', () => {
    expect(() => demoBotOptionsFromEnv({ DEMO_TURNS: 'three' })).toThrow(/DEMO_TURNS/);
    expect(() => demoBotOptionsFromEnv({ DEMO_VAD: 'energy' })).toThrow(
      'DEMO_VAD must be silero or webrtc, got "energy"',
    );
    expect(() => createDemoBot({ transferTo: 'not an extension!' })).toThrow(/transferTo/);
  });

  it("gives its TTS once prepared (what the server's `say` command speaks with)", async () => {
    const { tts } = countingTts();
    const bot = createDemoBot({ tts: async () => tts, vad: 'webrtc' });
    expect(bot.tts()).toBeUndefined();
    await bot.prepare();
    expect(bot.tts()).toBe(tts);
  });
});

describe('what a caller can make the demo bot do', () => {
  it('says at most 40 characters of a caller-supplied name, letters and spaces only', () => {
    expect(addressAs('anh')).toBe('anh');
    expect(addressAs('  chị   Lan ')).toBe('chị Lan');
    expect(addressAs('x'.repeat(4499))).toHaveLength(MAX_NAME_CHARS);
    expect(addressAs('<script>\u202e1234')).toBe('script');
    expect(addressAs('!!!')).toBeUndefined();
  });

  it('synthesises a greeting once per text, and never for a call that ended before it was up', async () => {
    const { tts, texts } = countingTts();
    const server = createPsrServer({
      bot: createDemoBot({ tts: async () => tts }),
      logger: silentLogger,
      port: 0,
    });
    await server.listen();
    try {
      const call = async (name: string, connect: boolean) => {
        const psr = connectAsPsr(server.url, {
          tenant: 't',
          channel: 'mono_a',
          params: { danh_xung: name },
        });
        await psr.opened;
        if (connect) {
          psr.sendConnected();
          await firstValueFrom(psr.actions$); // the greeting
        }
        await psr.close();
      };
      await call('anh', true);
      await call('anh', true);
      await call('chị', false); // hung up right after the upgrade
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(texts.filter((t) => t.startsWith('Hello'))).toEqual([
        'Hello anh! This is the psr kit demo. Say something, and I will say it back to you.',
      ]);
    } finally {
      await server.close();
    }
  });
});
