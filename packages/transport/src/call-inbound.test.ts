import type { AudioFrame } from '@psrkit/pipeline';
import { connectedEvent, encodeEvent, mediaEvent } from '@psrkit/protocol';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { readFrame } from './call-inbound.js';
import { createCallStats } from './call-stats.js';
import type { CallEvent } from './call-types.js';
import { InboundAudio } from './inbound-audio.js';
import { silentLogger } from './logger.js';
import { PeerReports } from './peer-reports.js';

describe('readFrame', () => {
  it('decodes a JSON text frame to its event', () => {
    const text = encodeEvent(connectedEvent({ callId: 'c', channel: 'mono_a', timestamp: 5 }));
    const read = readFrame(text, false, 1024);
    expect(read).toMatchObject({ ok: true, text, event: { type: 'connected', channel: 'mono_a' } });
  });

  it('refuses binary frames, bytes that are not UTF-8, and frames that do not decode', () => {
    expect(readFrame(new Uint8Array([1]), true, 1024)).toMatchObject({
      ok: false,
      code: 'BINARY_FRAME',
    });
    expect(readFrame(new Uint8Array([0xff]), false, 1024)).toMatchObject({
      ok: false,
      code: 'INVALID_UTF8',
    });
    const bad = readFrame('{', false, 1024);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.cause).toBeInstanceOf(Error);
  });
});

/** The inbound audio of a call, on a virtual clock, with what it hands on and reports. */
function inboundAudio(maxAheadMs = 2000) {
  const scheduler = new VirtualTimeScheduler();
  const stats = createCallStats();
  const frames: AudioFrame[] = [];
  const events: CallEvent[] = [];
  const count = (update: (s: typeof stats) => void) => update(stats);
  const reports = new PeerReports({
    callId: 'c',
    logger: silentLogger,
    count,
    emit: (event) => events.push(event),
  });
  const audio = new InboundAudio({
    options: {},
    maxFrameSamples: 8000,
    maxAheadMs,
    scheduler,
    stats,
    count,
    logger: silentLogger,
    reports,
    toBot: (frame) => frames.push(frame),
  });
  const media = (channel: 'mono_a' | 'stereo', samples: number) =>
    audio.receive(
      encodeEvent(
        mediaEvent({ callId: 'c', channel, timestamp: 0, samples: new Int16Array(samples) }),
      ),
      channel,
      new Int16Array(samples),
    );
  return { audio, frames, events, stats, media };
}

describe('InboundAudio: the caller’s audio, framed and bounded', () => {
  it('frames audio for the layout; a change of layout hands on what the old framer held', () => {
    const { audio, frames, media } = inboundAudio();
    expect(audio.channel).toBeUndefined();
    media('mono_a', 240); // a 20 ms frame and half of the next
    expect(frames.map((f) => [f.channel, f.samples.length])).toEqual([['a', 160]]);
    media('stereo', 320);
    expect(audio.channel).toBe('stereo');
    expect(frames.map((f) => [f.channel, f.samples.length])).toEqual([
      ['a', 160],
      ['a', 80],
      ['a', 160],
      ['b', 160],
    ]);
  });

  it('refuses a frame longer than the limit, and audio further ahead of real time than allowed', () => {
    const { frames, events, stats, media } = inboundAudio(40);
    media('mono_a', 8008);
    media('mono_a', 480); // 60 ms at time 0: 20 ms too far ahead
    media('mono_a', 320); // 40 ms: as far as allowed
    expect(events.map((e) => e.type === 'frame-error' && e.error.code)).toEqual([
      'MEDIA_TOO_LONG',
      'AUDIO_AHEAD',
    ]);
    expect(stats.samplesIn).toBe(320);
    expect(frames).toHaveLength(2);
  });
});
