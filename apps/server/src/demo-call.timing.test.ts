// Timing tier: the README's demo call against the built reference server in its own
// process, with real-time budgets that a correct server meets while another process
// holds a whole core. The figures themselves (p50/p95) belong to `psr-sim` and the
// benchmarks; these bounds catch a server that has become slow, not a slow machine.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type CallReport, loadCallerAudio, placeCall } from '@psrkit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectWithinBudget } from './__fixtures__/budget.js';
import { root, type SpawnedServer, spawnServer } from './__fixtures__/spawn-server.js';

let server: SpawnedServer;
let script: CallReport;
let scenario: { stdout: string };
const sample = (name: string) => `${root}packages/simulator/samples/${name}`;

// The demo call and the shipped scenario (the same script through psr-sim) at once.
beforeAll(async () => {
  server = await spawnServer([]);
  const run = promisify(execFile);
  [script, scenario] = await Promise.all([
    placeCall({
      url: server.url,
      tenant: 'demo',
      params: { danh_xung: 'anh' },
      caller: await loadCallerAudio(sample('caller.wav')),
      tailMs: 12_000,
    }),
    run(
      process.execPath,
      [
        `${root}packages/simulator/dist/bin.js`,
        'scenario',
        `${root}packages/simulator/scenarios/demo-bot.json`,
        '--url',
        server.url,
      ],
      { timeout: 60_000 },
    ),
  ]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('the demo call, in real time', () => {
  it('the caller hears no gap worth the name', () => {
    const total = script.underruns.reduce((sum, u) => sum + u.gapMs, 0);
    expectWithinBudget('underruns in all (demo call)', total, 200);
  });

  it('answers each utterance in time', () => {
    expect(script.summary.firstReplyMs).toHaveLength(3);
    expectWithinBudget('slowest first reply', Math.max(...script.summary.firstReplyMs), 2000);
  });

  it('falls silent soon after the caller barges in (the lead, a frame, VAD and the net)', () => {
    const stops = script.utterances.flatMap((u) =>
      u.bargeIn ? [u.bargeIn.botStoppedAfterMs] : [],
    );
    expect(stops.length).toBeGreaterThanOrEqual(1);
    expectWithinBudget('longest barge-in (caller onset → bot silent)', Math.max(...stops), 700);
  });

  it('passes the shipped scenario through psr-sim', () => {
    expect(scenario.stdout).toContain('PASSED');
  });
});
