// Pause on suspicion, cancel on proof, at the real boundary: the demo bot on a
// loopback server, called by the emulator. The caller talks over the greeting (a confirmed
// turn: the bot stops, as before), then, while the bot echoes that turn, makes a click
// that the VAD hears for one frame and never confirms: the echo pauses and
// resumes, and the caller hears all of it, with a gap.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PlaybackEvent } from '@psrkit/pipeline';
import type { OpenVad } from '@psrkit/plugin-vad';
import { decodeWav } from '@psrkit/protocol';
import { type CallReport, placeCall } from '@psrkit/simulator';
import { type Bot, createPsrServer, type PsrServer, silentLogger } from '@psrkit/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoBot } from './demo-bot.js';

const recording = decodeWav(
  readFileSync(fileURLToPath(import.meta.resolve('@psrkit/simulator/samples/caller.wav'))),
).samples;
/** The recording's first utterance (≈ 4 s). */
const utterance = recording.subarray(8000 * 0.9, 8000 * 5.1);
/** A 20 ms click (a loud square pulse), at a whole second: one 20 ms frame exactly. */
const click = Int16Array.from({ length: 160 }, (_, i) => (i % 16 < 8 ? 12_000 : -12_000));
const clickAtMs = 12_000; // inside the echo of the utterance

/**
 * An energy gate as the VAD: a 20 ms frame is voiced when its peak passes −20 dBFS. Real,
 * and simple enough to say what it will decide: the utterance is many voiced frames in a
 * row (a turn), the click one (a suspicion, never confirmed). The engines' own figures
 * are in `pnpm bench`.
 */
const energyGate: OpenVad = ({ sampleRate }) => ({
  sampleRate,
  frameSamples: sampleRate / 50,
  isSpeech: (frame) => frame.some((x) => Math.abs(x) > 3277),
  reset() {},
  close() {},
});

let server: PsrServer;
let report: CallReport;
const played: PlaybackEvent[] = [];
/** What the bot asked of the call's line, in order: `pause`, `resume`. */
const holds: string[] = [];

beforeAll(async () => {
  const demo = createDemoBot({ openVad: energyGate, silenceHangupMs: 60_000 });
  await demo.prepare();
  const ended = new AbortController();
  const bot: Bot = (call, context) => {
    call.events$.subscribe((event) => {
      if (!event.type.startsWith('playback-')) return;
      played.push(event as PlaybackEvent);
      // Hold the call until the echo (the second item) has ended, then hang up as the caller.
      const outcome = event.type === 'playback-end' || event.type === 'playback-interrupted';
      if (outcome && event.id === '2') setTimeout(() => ended.abort(), 500);
    });
    // The bot's own calls to the line, watched (the call itself is the server's).
    const watched: typeof call = Object.create(call, {
      pauseSpeech: {
        value: () => {
          holds.push('pause');
          call.pauseSpeech();
        },
      },
      resumeSpeech: {
        value: () => {
          holds.push('resume');
          call.resumeSpeech();
        },
      },
    });
    return demo(watched, context);
  };
  server = createPsrServer({ port: 0, bot, logger: silentLogger });
  await server.listen();
  report = await placeCall({
    url: server.url,
    caller: [
      // Over the greeting (≈ 6 s from when its synthesis is done: a busy machine starts it
      // late, so the caller waits 4.5 s)
      { atMs: 4500, samples: utterance },
      { atMs: clickAtMs, samples: click },
    ],
    tailMs: 60_000,
    signal: ended.signal,
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('the demo bot pauses on suspicion and resumes when no turn comes', () => {
  it('real speech over the greeting stops it, as before', () => {
    const greeting = played.find((e) => e.id === '1' && e.type.startsWith('playback-i'));
    expect(greeting).toMatchObject({ type: 'playback-interrupted', reason: 'interrupted' });
    const overGreeting = report.utterances.find((u) => u.startMs >= 4500 && u.startMs < 5000);
    expect(overGreeting?.bargeIn).toBeDefined();
  });

  it('the echo is paused by the click and resumed, and the caller hears all of it', () => {
    // Suspected at the utterance's first frame (over the greeting, a file: nothing to
    // hold, it is then interrupted), then at the click: paused, and resumed 240 ms on.
    expect(holds).toEqual(['pause', 'pause', 'resume']);
    const echoEnd = played.find(
      (e) => e.id === '2' && (e.type === 'playback-end' || e.type === 'playback-interrupted'),
    );
    expect(echoEnd).toMatchObject({ type: 'playback-end' }); // not interrupted
    // On the line: the echo, around the click (in pieces where a gap split it: the pause's,
    // and on a busy machine an underrun's: their lengths are timing, which the barge-in
    // bench measures). Gaps inside a piece are underruns.
    const echo = report.botAudio.filter((b) => b.kind === 'stream');
    expect(echo[0]!.startMs).toBeLessThan(clickAtMs);
    expect(echo.at(-1)!.endMs).toBeGreaterThan(clickAtMs);
    const inside = report.underruns.filter((u) =>
      echo.some((b) => u.atMs >= b.startMs && u.atMs + u.gapMs <= b.endMs),
    );
    const lineMs = echo.reduce((ms, b) => ms + b.endMs - b.startMs, 0);
    const heardMs = lineMs - inside.reduce((ms, u) => ms + u.gapMs, 0);
    // Every millisecond the bot sent reached the caller's ear.
    expect(Math.abs(heardMs - (echoEnd as { playedMs: number }).playedMs)).toBeLessThan(1);
  });
});
