import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStream, encodeWav } from '@psrkit/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tone } from '../../line/src/__fixtures__/audio.js';
import { startListeningBot } from './__fixtures__/listening-bot.js';
import { lineWaiter, runPsrSim } from './__fixtures__/run-cli.js';
import type { CallLogEntry } from './call-log.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psr-sim-serve-api-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `psr-sim serve-api` with a callees file `name`.json; its exit code and stderr (it must fail before serving). */
async function failedStart(name: string, callees: string | object) {
  const file = join(dir, `${name}.json`);
  await writeFile(file, typeof callees === 'string' ? callees : JSON.stringify(callees));
  const error = await runPsrSim(['serve-api', '--port', '0', '--token', 't', '--callees', file])
    .then(() => undefined)
    .catch((e: { code: number; stderr: string }) => e);
  return { code: error?.code, lines: error?.stderr.trim().split('\n') ?? [], file };
}

/** Numbers `0900000000` refused, `09…1` busy (a 200 ms tone beside the file), others ringing a minute. */
async function busyOrRingingCallees() {
  await writeFile(
    join(dir, 'busy.wav'),
    encodeWav({ sampleRate: 8000, channels: 1, samples: tone(200, 425) }),
  );
  const callees = join(dir, 'callees.json');
  await writeFile(
    callees,
    JSON.stringify({
      rules: [
        { name: 'invalid', match: '0900000000', callee: { type: 'refuse' } },
        { name: 'busy', match: '09*1', callee: { type: 'busy', ringMs: 0, wav: 'busy.wav' } },
      ],
      default: { type: 'no-answer', ringMs: 60_000 },
    }),
  );
  return { callees, logFile: join(dir, 'log.jsonl') };
}

const readLog = async (file: string) =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as CallLogEntry);

describe('psr-sim serve-api --callees --log', () => {
  it('a bad callees file is one line on stderr and exit code 2', async () => {
    const [unknown, notJson, missingWav] = await Promise.all([
      failedStart('unknown', { rules: [{ match: '1', callee: { type: 'bussy' } }] }),
      failedStart('not-json', '{ "rules": ['),
      failedStart('missing-wav', { default: { type: 'busy', wav: 'nowhere.wav' } }),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.lines).toEqual([
      `psr-sim: INVALID_CALLEES: ${unknown.file} $.rules[0].callee.type: unknown callee type "bussy" (answer, person, no-answer, busy, unreachable, out-of-coverage, switched-off, voicemail, silence, refuse)`,
    ]);
    expect(notJson.code).toBe(2);
    expect(notJson.lines).toHaveLength(1);
    expect(notJson.lines[0]).toMatch(/^psr-sim: INVALID_CALLEES: .*not-json\.json: not JSON/);
    expect(missingWav.code).toBe(2);
    expect(missingWav.lines).toHaveLength(1);
    expect(missingWav.lines[0]).toContain(
      `psr-sim: INVALID_CALLEES: callees $.default.wav: ${join(dir, 'nowhere.wav')}: cannot read`,
    );
  });

  it('places calls as the rules say and writes the witness log as JSON Lines', async () => {
    const bot = await startListeningBot();
    const { callees, logFile } = await busyOrRingingCallees();
    const args = ['serve-api', '--port=0', '--token=t', `--callees=${callees}`, `--log=${logFile}`];
    const cli = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const next = lineWaiter(cli.stdout!);
      const [, baseUrl] = await next(/^PSR API emulator on (http:\/\/[^/]+)\//);
      const dial = (destination: string, attempt: string) =>
        createStream({
          baseUrl: baseUrl!,
          token: 't',
          url: bot.server.url,
          destination,
          app: 'bot',
          parameter: { attempt_id: attempt },
        });
      const refused = next(/^refused 0900000000: 400 INVALID_REQUEST/);
      await expect(dial('0900000000', 'a1')).rejects.toMatchObject({ status: 400 });
      await refused;
      const busy = await dial('0901', 'a2');
      await next(new RegExp(`^call ${busy.callId} `));
      const ringing = await dial('0902', 'a3');
      const dropped = next(new RegExp(`^call ${ringing.callId} to 0902: cancelled while ringing`));
      const exited = once(cli, 'exit');
      cli.kill('SIGTERM');
      await dropped;
      expect(await exited).toEqual([0, null]);
      const log = await readLog(logFile);
      expect(log.map((e) => [e.event, e.seq])).toEqual([
        ['request', 1],
        ['request', 2],
        ['open', 2],
        ['close', 2],
        ['request', 3],
        ['close', 3],
      ]);
      expect(log[0]).toMatchObject({
        status: 400,
        rule: 'invalid',
        parameter: { attempt_id: 'a1' },
      });
      expect(log[1]).toMatchObject({
        status: 200,
        callId: busy.callId,
        rule: 'busy',
        behaviour: 'busy',
        parameter: { attempt_id: 'a2' },
        live: 1,
      });
      expect(log[3]).toMatchObject({ callId: busy.callId, opened: true, by: 'network', live: 0 });
      expect(log[5]).toMatchObject({ callId: ringing.callId, opened: false, by: 'emulator' });
      expect(log.every((e) => typeof e.at === 'number')).toBe(true);
      const heard = bot.calls.get(busy.callId)!.heard();
      expect(heard.subarray(0, 1600)).toEqual(tone(200, 425));
    } finally {
      if (cli.exitCode === null && cli.signalCode === null) {
        cli.kill('SIGTERM');
        await once(cli, 'exit');
      }
      await bot.server.close();
    }
  });
});
