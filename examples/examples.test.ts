// Every example runs here as a user would run it: the bot on a real server on loopback,
// called by the emulated PSR, and judged by what the caller heard. Behaviour only: gaps
// and reaction times are the timing tier's (and the playout line's virtual-time tests').
import { fileURLToPath } from 'node:url';
import { type CallReport, loadCallerAudio, placeCall } from '@psrkit/simulator';
import { type Bot, createPsrServer, silentLogger } from '@psrkit/transport';
import { describe, expect, it } from 'vitest';
import { spawnServer } from '../apps/server/src/__fixtures__/spawn-server.js';
import { runOfflineAgent } from './agent-offline.js';
import bargeIn from './barge-in.js';
import longPrompt from './long-prompt.js';
import { placeReminderCall } from './outbound-call.js';

const sample = (name: string) =>
  loadCallerAudio(fileURLToPath(import.meta.resolve(`@psrkit/simulator/samples/${name}.wav`)));

async function call(
  bot: Bot,
  options: Omit<Parameters<typeof placeCall>[0], 'url'>,
): Promise<CallReport> {
  const server = createPsrServer({ port: 0, bot, logger: silentLogger });
  await server.listen();
  try {
    return await placeCall({ ...options, url: server.url });
  } finally {
    await server.close();
  }
}

describe.concurrent('examples', () => {
  it('greet-and-transfer, run as the guide runs it (psrkit-server under tsx): greets, transfers after the first turn', async () => {
    const server = await spawnServer(
      ['--bot', fileURLToPath(new URL('greet-and-transfer.ts', import.meta.url))],
      { nodeArgs: ['--import', 'tsx'] },
    );
    try {
      const report = await placeCall({
        url: server.url,
        params: { danh_xung: 'anh Minh' },
        caller: [{ atMs: 4500, samples: await sample('hello') }],
        tailMs: 8000,
      });
      expect(report.summary.violations).toBe(0);
      expect(report.botAudio[0]!.startMs).toBeLessThan(4500); // the greeting, before the caller speaks
      expect(report.transfer?.extension).toBe('101');
      // After the caller's turn (ends ~7.5 s, + 700 ms of silence) and the goodbye sentence.
      expect(report.transfer!.atMs).toBeGreaterThan(8000);
    } finally {
      await server.stop();
    }
  });

  it('barge-in: falls silent when the caller speaks over it, then answers', async () => {
    const report = await call(bargeIn, {
      // Well into the offer, however long a busy machine took to synthesise its start.
      caller: [{ atMs: 6000, samples: await sample('interrupt') }],
      tailMs: 5000,
    });
    expect(report.summary.violations).toBe(0);
    expect(report.summary.bargeIns).toBe(1);
    expect(report.summary.firstReplyMs).toHaveLength(1); // "Sorry, go ahead…"
    const offer = report.botAudio[0]!;
    expect(offer.startMs).toBeLessThan(6000);
    expect(offer.endMs).toBeLessThan(6000 + 2000); // cut soon after the caller began, of a ~15 s offer
  });

  it('long-prompt: three queued sentences, then a hangup', async () => {
    const report = await call(longPrompt, { caller: new Int16Array(0), tailMs: 30_000 });
    expect(report.summary.violations).toBe(0);
    expect(report.summary.botAudioMs).toBeGreaterThan(8000);
    expect(report.hangup).toBeDefined();
    expect(report.end.by).toBe('bot');
  });

  it('outbound-call: the create-stream API places the call; the callee hears the reminder', async () => {
    const report = await placeReminderCall();
    expect(report.channel).toBe('mono_b');
    expect(report.summary.violations).toBe(0);
    expect(report.summary.botAudioMs).toBeGreaterThan(3000);
    expect(report.hangup).toBeDefined();
  });

  it('agent-offline: the LLM agent answers each turn and transfers when the model calls the tool', async () => {
    const report = await runOfflineAgent();
    expect(report.summary.violations).toBe(0);
    expect(report.summary.firstReplyMs.length).toBeGreaterThanOrEqual(2); // it answered both turns
    expect(report.transfer?.extension).toBe('101');
    expect(report.transfer!.atMs).toBeGreaterThan(14_500); // after the second question
  });
});
