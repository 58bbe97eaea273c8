import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tone } from '../../line/src/__fixtures__/audio.js';
import { runPsrSim } from './__fixtures__/run-cli.js';
import { startBotServer, turnTakingBot } from './__fixtures__/servers.js';
import { loadScenario, parseScenario, runScenario } from './scenario.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const noAudio = async () => tone(100);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function scenarioFile(body: object): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'psr-sim-'));
  const file = join(dir, 'scenario.json');
  await writeFile(file, JSON.stringify(body));
  return file;
}

describe('scenario files', () => {
  it('names the offending field of a bad scenario', async () => {
    const bad = (root: unknown) => parseScenario(root, 'test.json', noAudio);
    await expect(bad([])).rejects.toMatchObject({ code: 'INVALID_SCENARIO', path: '$' });
    await expect(bad({ caller: [], expect: [] })).rejects.toMatchObject({ path: '$.caller' });
    await expect(bad({ caller: [{ atMs: -5, say: 'x.wav' }], expect: [] })).rejects.toMatchObject({
      path: '$.caller[0].atMs',
      message: expect.stringContaining('number ≥ 0'),
    });
    await expect(
      bad({ caller: [{ atMs: 0, say: 'x.wav' }], expect: [{ type: 'dance' }] }),
    ).rejects.toMatchObject({
      path: '$.expect[0].type',
    });
    await expect(
      bad({
        caller: [{ atMs: 0, say: 'x.wav' }],
        expect: [{ type: 'reply', withinMs: 1, utterance: 0 }],
      }),
    ).rejects.toMatchObject({ path: '$.expect[0].utterance' });
    await expect(
      bad({ caller: [{ atMs: 0, say: 'x.wav' }], expect: [], volume: 3 }),
    ).rejects.toMatchObject({
      path: '$.volume',
    });
    await expect(
      bad({ caller: [{ atMs: 0, say: 'x.wav' }], expect: [], channel: 'quad' }),
    ).rejects.toMatchObject({
      path: '$.channel',
    });
  });

  it('checks against the published JSON Schema, in words that say what to write', async () => {
    const bad = (root: unknown) => parseScenario(root, 'test.json', noAudio);
    const caller = [{ atMs: 0, say: 'x.wav' }];
    await expect(bad({ caller, expect: [], volume: 3 })).rejects.toThrow(
      '$.volume: unknown field (allowed: name, url, tenant, params, channel, side, caller, tailMs, expect)',
    );
    await expect(bad({ caller: [{ atMs: '1s', say: 'x.wav' }], expect: [] })).rejects.toThrow(
      '$.caller[0].atMs: must be a number, got "1s"',
    );
    await expect(bad({ caller, expect: [{ type: 'transfer', extension: 101 }] })).rejects.toThrow(
      '$.expect[0].extension: must be a string, got 101',
    );
    await expect(bad({ caller, expect: [{ type: 'dance' }] })).rejects.toThrow(
      '$.expect[0].type: unknown expectation "dance"',
    );
    await expect(bad({ caller })).rejects.toThrow('$.expect: is required');
    // The schema ships with the package, and the example scenarios point editors at it.
    const schema = JSON.parse(
      await readFile(
        fileURLToPath(import.meta.resolve('@psrkit/simulator/scenario.schema.json')),
        'utf8',
      ),
    );
    expect(schema.required).toEqual(['caller', 'expect']);
    const example = JSON.parse(await readFile(here('../scenarios/demo-bot.json'), 'utf8'));
    expect(example.$schema).toBe('../scenario.schema.json');
  });

  it('reports a recording it cannot read and a file that is not JSON', async () => {
    const missing = await scenarioFile({ caller: [{ atMs: 0, say: 'nowhere.wav' }], expect: [] });
    await expect(loadScenario(missing)).rejects.toMatchObject({ code: 'INVALID_CALLER_AUDIO' });
    const dir = await mkdtemp(join(tmpdir(), 'psr-sim-'));
    await writeFile(join(dir, 'broken.json'), '{ "caller": [');
    await expect(loadScenario(join(dir, 'broken.json'))).rejects.toMatchObject({
      code: 'INVALID_SCENARIO',
      message: expect.stringContaining('not JSON'),
    });
    await writeFile(join(dir, 'broken.yaml'), 'caller: [unclosed');
    await expect(loadScenario(join(dir, 'broken.yaml'))).rejects.toMatchObject({
      code: 'INVALID_SCENARIO',
      message: expect.stringContaining('not YAML'),
    });
  });

  it('the shipped example scenarios are valid', async () => {
    const dir = here('../scenarios');
    const files = (await readdir(dir)).filter((f) => /\.(json|ya?ml)$/.test(f));
    expect(files.some((f) => f.endsWith('.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('.yaml'))).toBe(true);
    for (const file of files) {
      const scenario = await loadScenario(join(dir, file));
      expect(scenario.caller.length).toBeGreaterThan(0);
      expect(scenario.expect.length).toBeGreaterThan(0);
    }
  });

  it('runs against a bot and checks every expectation', async () => {
    // \`no-underruns\` must pass on a busy machine (a core held, the emulator in this
    // process): a 400 ms lead gives the line a wide margin. What a lead trades is the
    // demo bot's barge-in bench's subject, not this test's.
    const server = await startBotServer(turnTakingBot(1), { call: { playout: { leadMs: 400 } } });
    cleanups.push(() => server.close());
    const scenario = await parseScenario(
      {
        name: 'answers and transfers',
        caller: [{ atMs: 800, say: 'tone' }],
        tailMs: 4000,
        expect: [
          { type: 'action', event: 'media', withinMs: 500 },
          { type: 'reply', utterance: 1, withinMs: 1200 },
          { type: 'bot-audio', minMs: 1000 },
          { type: 'transfer', extension: '101' },
          { type: 'no-violations' },
          { type: 'no-underruns' },
          { type: 'hangup' },
          { type: 'barge-in', withinMs: 400 },
        ],
      },
      'inline',
      async () => tone(700, 300),
    );
    const result = await runScenario(scenario, { url: server.url });
    const byType = Object.fromEntries(result.results.map((r) => [r.expectation.type, r]));
    for (const type of [
      'action',
      'reply',
      'bot-audio',
      'transfer',
      'no-violations',
      'no-underruns',
    ])
      expect(byType[type], `${type}: ${byType[type]?.detail}`).toMatchObject({ passed: true });
    // The bot never hangs up and the caller never spoke over it: these two fail, with the reason.
    expect(byType['hangup']).toMatchObject({ passed: false, detail: 'no hangup' });
    expect(byType['barge-in']).toMatchObject({
      passed: false,
      detail: 'the caller never spoke over the bot',
    });
    expect(result.passed).toBe(false);
  });

  it('psr-sim scenario exits 0 when every expectation holds and 1 when one fails', async () => {
    const server = await startBotServer(turnTakingBot(1));
    cleanups.push(() => server.close());
    const say = here('../samples/hello.wav');
    const base = { caller: [{ atMs: 300, say }], tailMs: 4000 };
    const good = await scenarioFile({
      ...base,
      name: 'good',
      expect: [{ type: 'transfer', extension: '101' }],
    });
    const bad = await scenarioFile({
      ...base,
      name: 'bad',
      expect: [{ type: 'transfer', extension: '999' }],
    });
    const reports = await mkdtemp(join(tmpdir(), 'psr-sim-reports-'));
    const [ok, failed] = await Promise.all([
      runPsrSim(['scenario', good, '--url', server.url, '--report-dir', reports]),
      runPsrSim(['scenario', bad, '--url', server.url]).catch((e) => e),
    ]);
    expect(ok.stdout).toContain('✓ transfer to 101');
    expect(ok.stdout).toContain('PASSED');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('✗ transfer to 999: transferred to 101');
    // --report-dir: the call as a page, named after the scenario's file.
    const page = await readFile(join(reports, `${basename(good, '.json')}.html`), 'utf8');
    expect(page).toContain('id="psr-report"');
    await rm(reports, { recursive: true });
  }, 30_000);
});
