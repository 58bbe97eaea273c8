import type { PlaybackEvent } from '@psrkit/pipeline';
import type { PsrAction } from '@psrkit/protocol';
import { NEVER, Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { callIn, startServer, tonePiece, until } from './__fixtures__/loopback.js';
import type { Bot } from './bot.js';
import type { CallEnd, CallEvent } from './call-types.js';
import type { PsrServer } from './psr-server.js';

const servers: PsrServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Runs `bot` on one call; returns what PSR received and how the call ended. */
async function runFailing(bot: Bot, onBotError?: { action: 'transfer'; extension: string }) {
  const ends: CallEnd[] = [];
  const events: CallEvent[] = [];
  const server = await startServer(
    (call, context) => {
      call.events$.subscribe((e) => events.push(e));
      void call.closed.then((end) => ends.push(end));
      return bot(call, context);
    },
    { call: { endingTimeoutMs: 100, ...(onBotError && { onBotError }) } },
  );
  servers.push(server);
  const { psr, received } = await callIn(server);
  psr.sendMedia(tonePiece(0));
  await until(() => ends.length === 1);
  const actions = received.flatMap((r) => (r.ok ? [r.action as PsrAction] : []));
  return { end: ends[0]!, events, actions: actions.map((a) => a.type), sent: actions };
}

describe('a failing bot ends its call by policy, never the process', () => {
  it('throws synchronously → hang up, with the error on the call end', async () => {
    const { end, actions, events } = await runFailing(() => {
      throw new Error('boom');
    });
    expect(actions).toEqual(['hangup']);
    expect(end).toMatchObject({ reason: 'hangup', error: { message: 'boom' } });
    expect(events).toContainEqual({
      type: 'bot-failed',
      error: expect.objectContaining({ message: 'boom' }),
    });
  });

  it('rejects → transfer to the fallback extension', async () => {
    const { end, sent } = await runFailing(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('LLM down');
      },
      { action: 'transfer', extension: '999' },
    );
    expect(sent).toEqual([{ type: 'transfer', extension: '999' }]);
    expect(end.reason).toBe('transfer');
  });

  it('throws inside an RxJS subscriber (caller audio handler) → that call fails, playback ends with an error mark once', async () => {
    const marks: PlaybackEvent[] = [];
    const { end, actions, events } = await runFailing((call) => {
      call.stream(NEVER as Observable<Int16Array>, { sampleRate: 8000 });
      call.audio$.subscribe(() => {
        throw new Error('handler bug');
      });
    });
    for (const e of events) if (e.type.startsWith('playback-')) marks.push(e as PlaybackEvent);
    expect(actions).toEqual(['hangup']);
    expect(end.error?.message).toBe('handler bug');
    expect(marks.filter((m) => m.type === 'playback-interrupted')).toEqual([
      expect.objectContaining({
        reason: 'error',
        error: expect.objectContaining({ message: 'handler bug' }),
      }),
    ]);
  });

  it('throws in a handler run by the shared timer (a playback mark) → only that call fails', async () => {
    const ends = new Map<string, CallEnd>();
    const bot: Bot = (call) => {
      const forever = new Observable<Int16Array>((subscriber) => {
        const pump = setInterval(() => subscriber.next(new Int16Array(1600)), 100);
        return () => clearInterval(pump);
      });
      call.stream(forever, { sampleRate: 8000 });
      void call.closed.then((end) => ends.set(call.params['who']!, end));
      if (call.params['who'] === 'faulty')
        call.events$.subscribe((e) => {
          if (e.type === 'playback-progress') throw new Error('progress handler bug');
        });
    };
    const server = await startServer(bot, { call: { endingTimeoutMs: 100 } });
    servers.push(server);
    const faulty = await callIn(server, { params: { who: 'faulty' } });
    const healthy = await callIn(server, { params: { who: 'healthy' } });
    await until(() => ends.has('faulty'));
    expect(ends.get('faulty')).toMatchObject({
      reason: 'hangup',
      error: { message: 'progress handler bug' },
    });
    const chunksBefore = healthy.received.length;
    await until(() => healthy.received.length > chunksBefore + 2);
    expect(ends.has('healthy')).toBe(false);
    expect(server.activeCalls).toBe(1);
    // Both calls' pacing and marks ran from the server's one timer.
    expect(server.timers.runs).toBeGreaterThan(0);
    faulty.psr.sendClosed();
    healthy.psr.sendClosed();
  });

  it('rejects with a non-Error → a typed BOT_FAILED error', async () => {
    const { end } = await runFailing(() => Promise.reject('just a string'));
    expect(end.error).toMatchObject({ name: 'TransportError', code: 'BOT_FAILED' });
  });

  it('a bot that never returns still has its call end when PSR hangs up', async () => {
    const server = await startServer(() => new Promise(() => undefined));
    servers.push(server);
    const { psr } = await callIn(server);
    psr.sendClosed();
    await until(() => server.activeCalls === 0);
  });
});
