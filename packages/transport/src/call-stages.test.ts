import type { AudioFrame, AudioStagePlugin, StageSpec } from '@psrkit/pipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { scalingPlugin as scaling } from '../../pipeline/src/__fixtures__/scaling-plugin.js';
import { callIn, closeServers, serve, until, wavOf } from './__fixtures__/loopback.js';
import type { Call, CallEvent } from './call-types.js';
import type { ReceivedAction } from './psr-client.js';

afterEach(closeServers);

/** The samples of a `media` action (none for anything else). */
const fileSamples = (received: ReceivedAction): Int16Array =>
  received.ok && received.action.type === 'media'
    ? wavOf(received.action.payload).samples
    : new Int16Array();

const tone = (samples: number, level = 8000) =>
  Int16Array.from({ length: samples }, (_, i) => Math.round(level * Math.sin(i / 3)));
const peak = (frames: readonly AudioFrame[]) =>
  Math.max(...frames.flatMap((f) => [...f.samples].map(Math.abs)));

/** A call whose bot keeps every frame and event it gets, with the given inbound stages. */
async function callWith(inbound: readonly StageSpec[], channel: 'mono_a' | 'stereo' = 'mono_a') {
  const frames: AudioFrame[] = [];
  const events: CallEvent[] = [];
  let call: Call | undefined;
  const server = await serve(
    (c) => {
      call = c;
      c.audio$.subscribe((f) => frames.push(f));
      c.events$.subscribe((e) => events.push(e));
    },
    { call: { stages: { inbound } } },
  );
  const { psr } = await callIn(server, { channel });
  return { psr, frames, events, call: () => call };
}

describe('inbound stages: the caller’s audio through plugins before the bot hears it', () => {
  it('runs each plugin on every frame, with fresh stages per call and per side', async () => {
    const half = scaling(0.5);
    const { psr, frames } = await callWith([{ plugin: half.plugin }], 'stereo');
    for (let i = 0; i < 5; i++) psr.sendMedia(tone(320)); // 20 ms of both sides
    await until(() => frames.length === 10);
    expect(half.made()).toBe(2); // one stage per side
    expect(peak(frames)).toBe(4000);
    expect(new Set(frames.map((f) => f.channel))).toEqual(new Set(['a', 'b']));
    await psr.close();
  });

  it('one call’s failing stage leaves another call untouched', async () => {
    const half = scaling(0.5);
    const broken = scaling(1);
    const frames = new Map<string, AudioFrame[]>();
    const failed: string[] = [];
    const server = await serve(
      (call) => {
        frames.set(call.id, []);
        call.audio$.subscribe((f) => frames.get(call.id)!.push(f));
        call.events$.subscribe((e) => e.type === 'stage-failed' && failed.push(call.id));
        if (call.params['break'])
          call.addStages({ inbound: [{ plugin: broken.plugin, options: { failAt: 1 } }] });
      },
      { stages: { inbound: [{ plugin: half.plugin }] } },
    );
    const bad = await callIn(server, { callId: 'bad', params: { break: '1' } });
    const good = await callIn(server, { callId: 'good' });
    await until(() => frames.size === 2);
    for (let i = 0; i < 3; i++) {
      bad.psr.sendMedia(tone(160));
      good.psr.sendMedia(tone(160));
    }
    await until(() => frames.get('bad')!.length === 3 && frames.get('good')!.length === 3);
    expect(failed).toEqual(['bad']);
    expect(frames.get('good')!.map((f) => peak([f]))).toEqual([4000, 4000, 4000]);
    // The broken call is heard without stages from its failure on, nothing lost.
    expect(frames.get('bad')!.map((f) => peak([f]))).toEqual([8000, 8000, 8000]);
    await Promise.all([bad.psr.close(), good.psr.close()]);
  });

  it('converts rates to what a plugin takes, and hands the bot 8 kHz', async () => {
    const wide = scaling(1, { sampleRates: [16000] });
    const { psr, frames } = await callWith([{ plugin: wide.plugin }]);
    for (let i = 0; i < 10; i++) psr.sendMedia(tone(160));
    await until(() => frames.reduce((n, f) => n + f.samples.length, 0) >= 1400);
    expect([...wide.rates]).toEqual([16000]);
    expect(new Set(frames.map((f) => f.sampleRate))).toEqual(new Set([8000]));
    await psr.close();
  });

  it('a stage that fails is logged as an event with its plugin; the caller is heard, nothing lost', async () => {
    const broken = scaling(0.5);
    const { psr, frames, events, call } = await callWith([
      { plugin: broken.plugin, options: { failAt: 3 } },
    ]);
    for (let i = 0; i < 6; i++) psr.sendMedia(tone(160));
    await until(() => frames.length === 6);
    expect(events.filter((e) => e.type === 'stage-failed')).toMatchObject([
      { chain: 'inbound', error: { code: 'STAGE_FAILED', plugin: 'scaling' } },
    ]);
    // Two frames through the stage, then the one that broke it and the rest, as sent.
    expect(frames.map((f) => peak([f]))).toEqual([4000, 4000, 8000, 8000, 8000, 8000]);
    expect(call()?.state).toBe('open');
    await psr.close();
  });

  it('a plugin that refuses its options fails its chain at the first frame, not the call', async () => {
    const refusing: AudioStagePlugin<unknown> = {
      ...scaling(1).plugin,
      name: 'refusing',
      createStage: () => {
        throw new RangeError('gainDb must be a number');
      },
    };
    const { psr, frames, events } = await callWith([{ plugin: refusing }]);
    psr.sendMedia(tone(160));
    await until(() => frames.length === 1);
    expect(events.find((e) => e.type === 'stage-failed')).toMatchObject({
      error: { plugin: 'refusing', message: 'stage "refusing": gainDb must be a number' },
    });
    await psr.close();
  });
});

describe('outbound stages: what the bot says through plugins before it is encoded', () => {
  it('a file the bot plays is sent through the stages', async () => {
    const half = scaling(0.5);
    const server = await serve(
      (call) => void call.play({ sampleRate: 8000, channels: 1, samples: tone(800) }),
      { stages: { outbound: [{ plugin: half.plugin }] } },
    );
    const { psr, received } = await callIn(server);
    await until(() => received.length === 1);
    const samples = fileSamples(received[0]!);
    expect(samples.length).toBe(800);
    expect(Math.max(...[...samples].map(Math.abs))).toBe(4000);
    await psr.close();
  });

  it('a bot adds stages to its own call: outbound for what it says next, inbound from the next frame', async () => {
    const quieter = scaling(0.5);
    const louder = scaling(2);
    const frames: AudioFrame[] = [];
    const server = await serve((call) => {
      call.audio$.subscribe((f) => frames.push(f));
      expect(() => call.addStages({ inbound: [{ plugin: { name: 'x' } as never }] })).toThrow(
        expect.objectContaining({ code: 'PLUGIN_INCOMPATIBLE' }),
      );
      call.addStages({ outbound: [{ plugin: quieter.plugin }] });
      call.play({ sampleRate: 8000, channels: 1, samples: tone(800) });
      call.addStages({ inbound: [{ plugin: louder.plugin }] });
    });
    const { psr, received } = await callIn(server);
    await until(() => received.length === 1);
    expect(Math.max(...[...fileSamples(received[0]!)].map(Math.abs))).toBe(4000);
    psr.sendMedia(tone(160, 1000));
    await until(() => frames.length === 1);
    expect(peak(frames)).toBe(2000);
    await psr.close();
  });

  it('a stage that fails ends that file only, reported with its plugin; the call goes on', async () => {
    const events: CallEvent[] = [];
    const server = await serve(
      async (call) => {
        call.events$.subscribe((e) => events.push(e));
        await call.play({ sampleRate: 8000, channels: 1, samples: tone(800) }).done;
      },
      { stages: { outbound: [{ plugin: scaling(1).plugin, options: { failAt: 1 } }] } },
    );
    const { psr } = await callIn(server);
    await until(() => events.some((e) => e.type === 'stage-failed'));
    expect(events.map((e) => e.type)).toEqual(['playback-interrupted', 'stage-failed']);
    expect(events[1]).toMatchObject({ chain: 'outbound', error: { plugin: 'scaling' } });
    await psr.close();
  });
});
