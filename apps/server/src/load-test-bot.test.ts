import { DEFAULT_LEAD_MS } from '@psrkit/pipeline';
import { placeCall } from '@psrkit/simulator';
import pino from 'pino';
import { of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { loadBot } from './load-bot.js';
import { createLoadTestBot, loadTestBotOptionsFromEnv } from './load-test-bot.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';

const servers: ReferenceServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
});
const tone = (ms: number) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * 300 * i) / 8000));

describe('the load-test bot', () => {
  it('talks without a pause, cuts itself off within the lead when the caller speaks over it, and answers', async () => {
    const server = await startReferenceServer(
      parseConfig(['--host', '127.0.0.1', '--port', '0'], {}),
      createLoadTestBot({ sentenceMs: 1000 }),
      pino({ level: 'silent' }),
    );
    servers.push(server);
    const report = await placeCall({
      url: server.url,
      caller: [
        { atMs: 1500, samples: tone(600) },
        { atMs: 4000, samples: tone(600) },
      ],
      tailMs: 2000,
    });
    expect(report.violations).toEqual([]);
    // Sentences of 1 s back to back, but for a silence after each barge-in: the bot's
    // 1.5 s "thinking" (less the stale audio) before it answers.
    const streamed = report.botAudio.reduce((sum, b) => sum + b.endMs - b.startMs, 0);
    expect(streamed).toBeGreaterThan(report.durationMs - 2 * 1500 - 1000);
    expect(report.utterances).toHaveLength(2);
    for (const u of report.utterances) expect(u.bargeIn).toBeDefined();
    const metrics = await (await fetch(`http://127.0.0.1:${server.address.port}/metrics`)).text();
    // What the cut leaves is what was sent ahead: never more than the (default) lead.
    expect(metrics).toMatch(/psrkit_barge_in_stale_audio_seconds_count 2\n/);
    const staleSum = Number(/psrkit_barge_in_stale_audio_seconds_sum (\S+)/.exec(metrics)![1]);
    expect(staleSum).toBeGreaterThan(0);
    expect(staleSum).toBeLessThanOrEqual((2 * DEFAULT_LEAD_MS) / 1000);
    expect(metrics).toMatch(/psrkit_barge_in_stop_seconds_count 2\n/);
    // Each answer starts on an idle line (its stale audio played out while the bot
    // "thought"), so the first sentence and both answers are timed.
    expect(metrics).toMatch(/psrkit_first_chunk_seconds_count\{part="processing"\} 3\n/);
  }, 15_000);

  it('says what its speech source gives, utterance after utterance', async () => {
    const asked: number[] = [];
    const server = await startReferenceServer(
      parseConfig(['--host', '127.0.0.1', '--port', '0'], {}),
      createLoadTestBot({
        speech: {
          sampleRate: 16_000,
          utterance: (index) => {
            asked.push(index);
            return of(
              Int16Array.from(
                { length: 8000 },
                (_, i) => 6000 * Math.sin((2 * Math.PI * 440 * i) / 16_000),
              ),
            );
          },
        },
      }),
      pino({ level: 'silent' }),
    );
    servers.push(server);
    const report = await placeCall({ url: server.url, caller: tone(20), tailMs: 3000 });
    expect(report.violations).toEqual([]);
    // Half-second utterances back to back, one queued behind the one heard.
    expect(asked.slice(0, 3)).toEqual([0, 1, 2]);
    expect(report.summary.botAudioMs).toBeGreaterThan(1000);
  });

  it('is the module the server loads by name, configured from the environment', async () => {
    const module = await loadBot('@psrkit/server/load-test-bot');
    expect(typeof module.bot).toBe('function');
    expect(typeof module.prepare).toBe('function');
    expect(
      loadTestBotOptionsFromEnv({
        LOAD_BOT_RATE: '16000',
        LOAD_BOT_BARGE_IN_MS: '40',
        LOAD_BOT_ANSWER_AFTER_MS: '0',
      }),
    ).toEqual({ sampleRate: 16000, bargeInMs: 40, answerAfterMs: 0 });
    expect(() => loadTestBotOptionsFromEnv({ LOAD_BOT_RATE: 'fast' })).toThrow(
      /LOAD_BOT_RATE must be a number from 8000 to 48000, got "fast"/,
    );
  });
});
