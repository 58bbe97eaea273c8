// End to end: the built reference server with the demo bot in its own process, real
// loopback WebSockets, the emulator as PSR, real MP3 decoding of what the bot streamed.
// Behaviour only: how fast it all happens is `demo-call.timing.test.ts`'s business.
import { type CallReport, loadCallerAudio, placeCall } from '@psrkit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, type SpawnedServer, spawnServer } from './__fixtures__/spawn-server.js';

let server: SpawnedServer;
let url: string;
let logs: Record<string, unknown>[];

beforeAll(async () => {
  server = await spawnServer([], { env: { DEMO_SILENCE_MS: '4000' } });
  ({ url, logs } = server);
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const sample = (name: string) => `${root}packages/simulator/samples/${name}`;

describe('reference server + demo bot + emulator', () => {
  // Two calls at once: the full script and a silent caller.
  let script: CallReport;
  let silent: CallReport;
  beforeAll(async () => {
    // The recording's three utterances (1.0–4.2 s, 10.6–14.1 s, 16.1–18.8 s), the third moved
    // 1.5 s later: it then comes well inside the echo of the second (about 14.5–19 s) even
    // when a busy machine starts that echo late, so the caller speaks over the bot.
    const recording = await loadCallerAudio(sample('caller.wav'));
    const cut = 15_000 * 8;
    const caller = [
      { atMs: 0, samples: recording.subarray(0, cut) },
      { atMs: 16_500, samples: recording.subarray(cut) },
    ];
    [script, silent] = await Promise.all([
      placeCall({
        url,
        tenant: 'demo',
        params: { danh_xung: 'anh' },
        caller,
        tailMs: 12_000,
      }),
      placeCall({
        url,
        tenant: 'demo',
        params: { danh_xung: 'chị' },
        // Speaks once the greeting is over, then stays silent.
        caller: [{ atMs: 7000, samples: await loadCallerAudio(sample('hello.wav')) }],
        tailMs: 20_000,
      }),
    ]);
  }, 120_000);

  it('greets with a valid WAV file (media), addressing the caller', () => {
    // (The script's caller speaks at 1 s: on a slow machine the bot may drop a greeting
    // not sent yet when they start, so the greeting is checked on the quiet caller.)
    const first = silent.actions[0]!;
    expect(first).toMatchObject({ type: 'media', isSync: true });
    expect(first.audioMs).toBeGreaterThan(2000); // "Hello chị! This is the psr kit demo…"
    expect(script.violations).toEqual([]);
    expect(silent.violations).toEqual([]);
  });

  it('echoes each utterance as MP3 chunks that decode, about as long as the utterance', () => {
    expect(script.utterances).toHaveLength(3);
    expect(script.summary.actions.chunk).toBeGreaterThan(20);
    const streams = script.botAudio.filter((b) => b.kind === 'stream');
    const first = script.utterances[0]!;
    // The echo: the stream after the first utterance, in one piece or, on a busy machine,
    // in pieces around a gap (until the caller speaks again).
    const pieces = streams.filter(
      (s) => s.startMs > first.endMs && s.startMs < script.utterances[1]!.startMs,
    );
    const echo = { startMs: pieces[0]!.startMs, endMs: pieces.at(-1)!.endMs };
    const echoMs = pieces.reduce((sum, s) => sum + s.endMs - s.startMs, 0);
    // At most "You said:" (~1 s) + the utterance (3.2 s) + codec delay. How much of it plays
    // before the caller's next utterance cuts it (the bot gives way) is timing: a busy
    // machine starts the echo late, and a pause on suspicion splits it.
    expect(echoMs).toBeGreaterThan(500);
    expect(echoMs).toBeLessThan(first.endMs - first.startMs + 2000);
    // The decoded stream is audible where the caller's words are replayed.
    let sum = 0;
    for (let i = Math.round((echo.endMs - 2000) * 8); i < (echo.endMs - 1000) * 8; i++)
      sum += script.heard[i]! ** 2;
    expect(Math.sqrt(sum / 8000)).toBeGreaterThan(300);
    expect(script.summary.firstReplyMs).toHaveLength(3);
  });

  it('gives way when the caller speaks over it: the bot audio stops before the caller does', () => {
    const bargeIns = script.utterances.filter((u) => u.bargeIn);
    expect(bargeIns.length).toBeGreaterThanOrEqual(1);
    for (const u of bargeIns)
      expect(u.startMs + u.bargeIn!.botStoppedAfterMs).toBeLessThan(u.endMs);
  });

  it('transfers to 101 after the third utterance', () => {
    expect(script.transfer?.extension).toBe('101');
    expect(script.transfer!.atMs).toBeGreaterThan(script.utterances[2]!.endMs);
    expect(script.end.by).toBe('bot');
  });

  it('says goodbye and hangs up after the caller stays silent', () => {
    expect(silent.hangup).toBeDefined();
    expect(silent.hangup!.atMs).toBeGreaterThan(7000 + 4000);
    // The goodbye: the last stretch of bot audio (pieces less than a second apart: a busy
    // machine may leave a gap in it), after 4 s of silence since the echo.
    const pieces = [...silent.botAudio];
    const goodbye = [pieces.pop()!];
    while (pieces.length && goodbye[0]!.startMs - pieces.at(-1)!.endMs < 1000)
      goodbye.unshift(pieces.pop()!);
    expect(goodbye.reduce((ms, b) => ms + b.endMs - b.startMs, 0)).toBeGreaterThan(1000);
    expect(goodbye[0]!.startMs - pieces.at(-1)!.endMs).toBeGreaterThan(3500);
    expect(silent.violations).toEqual([]);
  });

  it('logs every call line with call_id and tenant', () => {
    const callLines = logs.filter(
      (l) => l['msg'] === 'call accepted' || l['msg'] === 'echoing a turn',
    );
    expect(callLines.length).toBeGreaterThan(3);
    for (const line of callLines)
      expect(line).toMatchObject({ call_id: expect.any(String), tenant: 'demo' });
  });

  it('shuts down on SIGTERM with exit code 0', async () => {
    server.process.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(logs.map((l) => l['msg'])).toContain('stopped');
  });
});
