import { fileURLToPath } from 'node:url';
import { createStream, PsrApiError } from '@psrkit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rms, tone } from '../../line/src/__fixtures__/audio.js';
import { startListeningBot, toneShare } from './__fixtures__/listening-bot.js';
import type { CallLogEntry } from './call-log.js';
import type { CalleeRule } from './callee-behaviour.js';
import { loadCallerAudio } from './caller-audio-file.js';
import { findUtterances } from './find-utterances.js';
import { startPsrApiEmulator } from './psr-api-emulator.js';

const sample = (name: string) =>
  loadCallerAudio(fileURLToPath(new URL(`../samples/answers/${name}`, import.meta.url)));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

// One emulator, one callee per number, every behaviour: a campaign's mixed test set.
const rules: CalleeRule[] = [
  { name: 'invalid', match: '0900000001', callee: { type: 'refuse' } },
  {
    name: 'trunk down',
    match: '+8428*',
    callee: { type: 'refuse', status: 503, code: 'SERVICE_UNAVAILABLE', message: 'no trunk' },
  },
  { name: 'busy', match: '0911000001', callee: { type: 'busy', ringMs: 50 } },
  {
    name: 'switched off',
    match: { regex: '^0912' },
    callee: { type: 'switched-off', lang: 'en', ringMs: 50 },
  },
  { name: 'voicemail', match: '0913??????', callee: { type: 'voicemail', lang: 'en', ringMs: 50 } },
  { name: 'dead air', match: '0914000001', callee: { type: 'silence', ringMs: 50, maxMs: 400 } },
  { name: 'dead air, bot hangs up', match: '0914000002', callee: { type: 'silence', ringMs: 50 } },
  { name: 'person', match: '0915000001', callee: { type: 'person', ringMs: 50, tailMs: 200 } },
  {
    name: 'answers, hangs up',
    match: '0916000001',
    callee: { type: 'answer', ringMs: 50, wav: tone(300, 440), hangupAfterMs: 500 },
  },
  { name: 'rings out', match: { lastDigit: [7] }, callee: { type: 'no-answer', ringMs: 50 } },
];

async function setUp() {
  const bot = await startListeningBot();
  const api = await startPsrApiEmulator({ tokens: ['t'], callees: { rules } });
  const close = async () => {
    await api.close({ hangUp: true });
    await bot.server.close();
  };
  const dial = (destination: string, attempt: string, extra: Record<string, string> = {}) =>
    createStream({
      baseUrl: api.url,
      token: 't',
      url: bot.server.url,
      destination,
      app: 'bot',
      parameter: { campaign_id: 'c1', attempt_id: attempt, ...extra },
    });
  const closeOf = (callId: string) =>
    api.waitFor((e) => e.event === 'close' && e.callId === callId) as Promise<
      Extract<CallLogEntry, { event: 'close' }>
    >;
  return { bot, api, dial, closeOf, close };
}

describe('startPsrApiEmulator callees: the network answers per destination', () => {
  it('refuses at create-stream: 400 by default, or the status and code a rule gives', async () => {
    const { bot, api, dial, close } = await setUp();
    cleanups.push(close);
    const invalid = await dial('0900000001', 'a1').catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(PsrApiError);
    expect(invalid).toMatchObject({ status: 400, apiCode: 'INVALID_REQUEST' });
    expect((invalid as Error).message).toContain('destination is not a valid number');
    const down = await dial('+842812345', 'a2').catch((e: unknown) => e);
    expect(down).toMatchObject({ status: 503, apiCode: 'SERVICE_UNAVAILABLE' });
    expect(api.calls).toHaveLength(0);
    expect(api.log).toMatchObject([
      { event: 'request', seq: 1, status: 400, rule: 'invalid', behaviour: 'refuse', live: 0 },
      { event: 'request', seq: 2, status: 503, code: 'SERVICE_UNAVAILABLE', message: 'no trunk' },
    ]);
    expect(api.log[1]).toMatchObject({
      parameter: { attempt_id: 'a2' },
      destination: '+842812345',
    });
    expect(api.log.some((e) => 'callId' in e)).toBe(false);
    expect(bot.calls.size).toBe(0);
  });

  describe('a mixed set placed at once', () => {
    type Close = Extract<CallLogEntry, { event: 'close' }>;
    let world: Awaited<ReturnType<typeof setUp>>;
    let placed: { callId: string }[];
    let ends: Close[];
    const heard = (i: number) => world.bot.calls.get(placed[i]!.callId)!.heard();
    beforeAll(async () => {
      world = await setUp();
      const { dial, closeOf } = world;
      placed = await Promise.all([
        dial('0911000001', 'busy'),
        dial('0912345678', 'off'),
        dial('0913000000', 'vm', { hangup_at_ms: '4600' }),
        dial('0914000001', 'dead'),
        dial('0914000002', 'dead-bot', { hangup_at_ms: '300' }),
        dial('0915000001', 'person'),
        dial('0916000001', 'answer'),
        dial('0919999997', 'ring'),
      ]);
      ends = await Promise.all(placed.map((p) => closeOf(p.callId)));
    });
    afterAll(async () => {
      await world?.close();
    });

    it('announcements: the bot hears the bundled recording exactly, then PSR closes the line', async () => {
      expect(ends[0]).toMatchObject({ opened: true, by: 'network', reason: 'announcement ended' });
      expect((await world.bot.calls.get(placed[0]!.callId)!.closed).reason).toBe('psr-closed');
      const busyVi = await sample('busy-vi.wav');
      expect(heard(0).subarray(0, busyVi.length)).toEqual(busyVi);
      // switched-off plays what carriers say for an unreachable phone.
      expect(ends[1]).toMatchObject({ opened: true, by: 'network' });
      const unreachableEn = await sample('unreachable-en.wav');
      expect(heard(1).subarray(0, unreachableEn.length)).toEqual(unreachableEn);
    });

    it('voicemail: a greeting, a ~1 kHz beep at its end, then line noise until the bot hangs up', async () => {
      expect(ends[2]).toMatchObject({ opened: true, by: 'bot' });
      const greeting = await sample('voicemail-en.wav');
      const vm = heard(2);
      expect(
        toneShare(vm.subarray(greeting.length - 4000, greeting.length - 800), 1000),
      ).toBeGreaterThan(0.9);
      expect(toneShare(vm.subarray(8000, 11_200), 1000)).toBeLessThan(0.1);
      const after = vm.subarray(greeting.length, greeting.length + 2400);
      expect(after.length).toBe(2400);
      expect(rms(after)).toBeGreaterThan(5);
      expect(rms(after)).toBeLessThan(100);
    });

    it('dead air: low noise, never digital zero, until maxMs (the callee) or the bot hangs up', () => {
      expect(ends[3]).toMatchObject({ opened: true, by: 'callee' });
      expect(heard(3).length).toBe(3200);
      expect(rms(heard(3))).toBeGreaterThan(5);
      expect(rms(heard(3))).toBeLessThan(100);
      expect(ends[4]).toMatchObject({ opened: true, by: 'bot' });
    });

    it('a person: "Alô?", a pause, "Dạ alô, ai đấy ạ?", then they hang up', () => {
      expect(ends[5]).toMatchObject({ opened: true, by: 'callee' });
      const said = findUtterances(heard(5));
      expect(said).toHaveLength(2);
      expect(said[1]!.startMs - said[0]!.endMs).toBeGreaterThan(2000);
    });

    it('an answer that hangs up 500 ms in: the recording, then PSR closes', () => {
      expect(ends[6]).toMatchObject({ opened: true, by: 'callee', durationMs: expect.any(Number) });
      expect(heard(6).length).toBe(4000);
      expect(heard(6).subarray(0, 2400)).toEqual(tone(300, 440));
    });

    it('no answer: create-stream said OK, then nothing reached the bot', () => {
      expect(ends[7]).toMatchObject({ opened: false, by: 'network', reason: 'no answer' });
      expect(world.bot.calls.has(placed[7]!.callId)).toBe(false);
    });

    it('the witness log: every request with its parameter and rule, an open for each answered call', () => {
      const { api } = world;
      const requests = api.log.filter((e) => e.event === 'request');
      expect(requests.map((e) => e.parameter['attempt_id']).sort()).toEqual(
        ['busy', 'off', 'vm', 'dead', 'dead-bot', 'person', 'answer', 'ring'].sort(),
      );
      expect(requests.every((e) => e.status === 200 && e.parameter['campaign_id'] === 'c1')).toBe(
        true,
      );
      const opened = new Set(api.log.flatMap((e) => (e.event === 'open' ? [e.callId] : [])));
      expect(placed.map((p) => opened.has(p.callId))).toEqual([...Array(7).fill(true), false]);
      expect(requests.find((e) => e.callId === placed[2]!.callId)).toMatchObject({
        rule: 'voicemail',
        behaviour: 'voicemail',
        destination: '0913000000',
        app: 'bot',
      });
      expect(api.live).toBe(0);
      expect(api.connected).toBe(0);
    });
  });

  it('counts the calls at once, and drops those still ringing when it closes', async () => {
    const bot = await startListeningBot();
    const api = await startPsrApiEmulator({
      tokens: ['t'],
      callees: { default: { type: 'no-answer', ringMs: 60_000 } },
    });
    try {
      for (const attempt of ['x1', 'x2', 'x3'])
        await createStream({
          baseUrl: api.url,
          token: 't',
          url: bot.server.url,
          destination: '0901',
          app: 'bot',
          parameter: { attempt_id: attempt },
        });
      expect(api.live).toBe(3);
      expect(api.peak).toEqual({ live: 3, connected: 0 });
      expect(api.log.map((e) => e.live)).toEqual([1, 2, 3]);
      const never = api.waitFor((e) => e.event === 'open');
      await api.close();
      await expect(never).rejects.toMatchObject({ code: 'EMULATOR_CLOSED' });
      const ends = api.log.filter((e) => e.event === 'close');
      expect(ends).toHaveLength(3);
      expect(ends.every((e) => e.by === 'emulator' && !e.opened)).toBe(true);
      expect(api.live).toBe(0);
      expect(api.peak.live).toBe(3);
    } finally {
      await api.close();
      await bot.server.close();
    }
  });
});
