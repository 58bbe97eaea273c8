// End to end: the built reference server with the demo bot in its own process, real
// loopback WebSockets, the emulator as PSR, real MP3 decoding of what the bot streamed.
import { type ChildProcess, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type CallReport, loadCallerAudio, placeCall } from '@psrkit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, spawnServer } from './__fixtures__/spawn-server.js';

const LEAD_MS = 400;
let server: ChildProcess;
let url: string;
let exited: Promise<number | null>;
let logs: Record<string, unknown>[];

beforeAll(async () => {
  const spawned = await spawnServer(['--lead-ms', String(LEAD_MS)], {
    env: { DEMO_SILENCE_MS: '4000' },
  });
  ({ url, exited, logs } = spawned);
  server = spawned.process;
}, 60_000);

afterAll(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
});

const sample = (name: string) => `${root}packages/simulator/samples/${name}`;

describe('reference server + demo bot + emulator', () => {
  // Three calls at once: the full script, a silent caller, and a scenario run through psr-sim.
  let script: CallReport;
  let silent: CallReport;
  let scenario: { code: number; stdout: string };
  beforeAll(async () => {
    const run = promisify(execFile);
    [script, silent, scenario] = await Promise.all([
      placeCall({
        url,
        tenant: 'demo',
        params: { danh_xung: 'anh' },
        caller: await loadCallerAudio(sample('caller.wav')),
        tailMs: 12_000,
      }),
      placeCall({
        url,
        tenant: 'demo',
        caller: [{ atMs: 500, samples: await loadCallerAudio(sample('hello.wav')) }],
        tailMs: 20_000,
      }),
      run(process.execPath, [
        `${root}packages/simulator/dist/bin.js`,
        'scenario',
        `${root}packages/simulator/scenarios/demo-bot.json`,
        '--url',
        url,
      ]).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      ),
    ]);
  }, 120_000);

  it('greets with a valid WAV file (media), addressing the caller', () => {
    const first = script.actions[0]!;
    expect(first).toMatchObject({ type: 'media', isSync: true });
    expect(first.audioMs).toBeGreaterThan(2000); // "Hello anh! This is the psr kit demo…"
    expect(script.violations).toEqual([]);
  });

  it('echoes each utterance as MP3 chunks that decode, about as long as the utterance', () => {
    expect(script.utterances).toHaveLength(3);
    expect(script.summary.actions.chunk).toBeGreaterThan(20);
    const streams = script.botAudio.filter((b) => b.kind === 'stream');
    const first = script.utterances[0]!;
    const echo = streams.find((s) => s.startMs > first.endMs)!;
    const echoMs = echo.endMs - echo.startMs;
    // "You said:" (~1 s) + the utterance (3.2 s) + codec delay.
    expect(echoMs).toBeGreaterThan(first.endMs - first.startMs);
    expect(echoMs).toBeLessThan(first.endMs - first.startMs + 2000);
    // The decoded stream is audible where the caller's words are replayed.
    let sum = 0;
    for (let i = Math.round((echo.endMs - 2000) * 8); i < (echo.endMs - 1000) * 8; i++)
      sum += script.heard[i]! ** 2;
    expect(Math.sqrt(sum / 8000)).toBeGreaterThan(300);
    expect(script.underruns).toEqual([]);
    expect(script.summary.firstReplyMs.every((ms) => ms < 1500)).toBe(true);
  });

  it('stops talking within lead + 50 ms when the caller barges in', () => {
    const bargeIns = script.utterances.filter((u) => u.bargeIn);
    expect(bargeIns.length).toBeGreaterThanOrEqual(1);
    for (const u of bargeIns)
      expect(u.bargeIn!.botStoppedAfterMs).toBeLessThanOrEqual(LEAD_MS + 50);
  });

  it('transfers to 101 after the third utterance', () => {
    expect(script.transfer?.extension).toBe('101');
    expect(script.transfer!.atMs).toBeGreaterThan(script.utterances[2]!.endMs);
    expect(script.end.by).toBe('bot');
  });

  it('says goodbye and hangs up after the caller stays silent', () => {
    expect(silent.hangup).toBeDefined();
    const lastBotAudio = silent.botAudio.at(-1)!;
    expect(silent.hangup!.atMs).toBeGreaterThan(4000);
    expect(lastBotAudio.endMs - lastBotAudio.startMs).toBeGreaterThan(1000); // the goodbye
    expect(silent.violations).toEqual([]);
  });

  it('passes the shipped scenario through psr-sim', () => {
    expect(scenario.stdout).toContain('PASSED');
    expect(scenario.code).toBe(0);
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
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logs.map((l) => l['msg'])).toContain('stopped');
  });
});
