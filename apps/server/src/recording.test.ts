import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '@psrkit/protocol';
import { placeCall } from '@psrkit/simulator';
import type { Bot } from '@psrkit/transport';
import pino from 'pino';
import { of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { recordRow } from '../../../tests/fixtures/reliability-rows.js';
import { spawnServer } from './__fixtures__/spawn-server.js';
import { parseConfig } from './config.js';
import { createRecordingFile, finishRecordingFile, recordingName } from './recording-files.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';

const tone = (ms: number, hz = 440) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * hz * i) / 8000));
const talkingBot: Bot = async (call) => {
  await call.stream(of(tone(60_000)), { sampleRate: 8000 }).done;
};
const dirs: string[] = [];
const servers: ReferenceServer[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'psrkit-rec-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
const metric = async (server: ReferenceServer, outcome: string) => {
  const text = await server.metrics.registry.metrics();
  return Number(
    new RegExp(`psrkit_recordings_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0,
  );
};
const wavs = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith('.wav')).sort();

describe('recording file names', () => {
  it('one name per tenant and call; unsafe or long ids are hashed, never merged', () => {
    expect(recordingName('acme', 'c-1')).toBe('acme__c-1');
    expect(recordingName('other', 'c-1')).not.toBe(recordingName('acme', 'c-1'));
    const slash = recordingName('t', 'coll/x');
    expect(slash).not.toBe(recordingName('t', 'coll_x'));
    expect(slash).toMatch(/^t__coll_x~[0-9a-f]{24}$/);
    const long = recordingName('t', 'x'.repeat(256));
    expect(long.length).toBeLessThanOrEqual(65);
    expect(recordingName('t', '../../etc/passwd')).not.toContain('/');
    expect(recordingName('.', 'x')).not.toMatch(/^\./);
  });

  it('is created exclusively and finished without replacing anything', async () => {
    const dir = await tempDir();
    const first = await createRecordingFile(dir, 'acme__c-1');
    const second = await createRecordingFile(dir, 'acme__c-1'); // the same call, reconnected
    expect([first.name, second.name]).toEqual(['acme__c-1', 'acme__c-1.2']);
    await first.handle.close();
    await second.handle.close();
    expect(await finishRecordingFile(dir, first)).toBe(join(dir, 'acme__c-1.wav'));
    // Someone put a file where the second's name would go: it is kept, and so is ours.
    await writeFile(join(dir, 'acme__c-1.2.wav'), 'theirs');
    expect(await finishRecordingFile(dir, second)).toBe(join(dir, 'acme__c-1.2.2.wav'));
    expect(await readFile(join(dir, 'acme__c-1.2.wav'), 'utf8')).toBe('theirs');
    // A third call finds both names taken.
    const third = await createRecordingFile(dir, 'acme__c-1');
    expect(third.name).toBe('acme__c-1.3');
    await third.handle.close();
  });
});

describe('recordings are never lost', () => {
  async function start(argv: string[], bot: Bot = talkingBot) {
    const server = await startReferenceServer(
      parseConfig(['--host', '127.0.0.1', '--port', '0', ...argv], {}),
      bot,
      pino({ level: 'silent' }),
    );
    servers.push(server);
    return server;
  }

  it('the same call_id twice (a reconnect), and two tenants with one call_id: every call keeps its own file', async () => {
    const dir = await tempDir();
    const server = await start(['--recordings', dir]);
    const call = (tenant: string) =>
      placeCall({ url: server.url, tenant, callId: 'same-id', caller: tone(500), tailMs: 500 });
    await call('acme');
    await call('acme'); // reconnects after the first ended
    await call('other');
    await expect
      .poll(() => wavs(dir))
      .toEqual(['acme__same-id.2.wav', 'acme__same-id.wav', 'other__same-id.wav']);
    for (const file of await wavs(dir)) {
      const wav = decodeWav(await readFile(join(dir, file)));
      expect(wav.frames / 8).toBeGreaterThanOrEqual(500); // each kept its whole call
    }
    await recordRow(
      'recordings',
      'the same `call_id` again after it ended, and from another tenant',
      3,
      'three files (`<tenant>__<id>.wav`, `.2.wav`), each with its whole call; nothing overwritten',
    );
  });

  it('ids that clash as file names, a 256-character id, and `replace` mid-call: a file each, nothing lost', async () => {
    const dir = await tempDir();
    const server = await start(['--recordings', dir, '--duplicate-call-id', 'replace']);
    const call = (callId: string, ms = 500) =>
      placeCall({ url: server.url, tenant: 't', callId, caller: tone(ms), tailMs: 300 });
    await Promise.all([call('coll/x'), call('coll_x'), call('x'.repeat(256))]);
    // The same call_id again while the first is live: the first is replaced after ~0.5 s.
    const replaced = call('same', 3000);
    await expect
      .poll(() => server.psr.getCall('same', 't')?.stats.samplesIn ?? 0)
      .toBeGreaterThan(4000);
    await call('same');
    expect((await replaced).end).toMatchObject({ by: 'server', code: 4001 });
    await expect.poll(async () => (await wavs(dir)).length).toBe(5);
    const files = await wavs(dir);
    expect(files).toContain('t__coll_x.wav');
    expect(files).toContainEqual(expect.stringMatching(/^t__coll_x~[0-9a-f]{24}\.wav$/));
    expect(files).toContain('t__same.wav');
    expect(files).toContain('t__same.2.wav');
    for (const file of files) {
      const seconds = decodeWav(await readFile(join(dir, file))).frames / 8000;
      // Each kept its whole call; the replaced one its audio up to the replacement.
      expect(seconds, file).toBeGreaterThanOrEqual(0.5);
    }
    await recordRow(
      'recordings',
      'ids that clash once made file-safe (`coll/x`, `coll_x`), a 256-character id, and `--duplicate-call-id replace` mid-call',
      5,
      'a file each (unsafe or long ids hashed into the name); the replaced call’s file finished with its audio up to the replacement; nothing overwritten',
    );
  });

  it('a call over --recording-max-mb keeps a valid file up to the cap; the call goes on', async () => {
    const dir = await tempDir();
    const server = await start([
      '--recordings',
      dir,
      '--recording-max-mb',
      '1',
      '--max-audio-ahead-ms',
      '600000', // the caller runs at 20× real time
    ]);
    // 40 s of caller audio (1.25 MiB of stereo) at 20× real time.
    const report = await placeCall({ url: server.url, caller: tone(40_000), speed: 20, tailMs: 0 });
    expect(report.end.by).toBe('caller');
    await expect.poll(() => metric(server, 'capped')).toBe(1);
    const [file] = await wavs(dir);
    const size = (await stat(join(dir, file!))).size;
    expect(size).toBeLessThanOrEqual(1024 * 1024);
    expect(size).toBeGreaterThan(1000 * 1024);
    expect(decodeWav(await readFile(join(dir, file!))).channels).toBe(2);
    await recordRow(
      'recordings',
      'a call longer than `--recording-max-mb 1`',
      1,
      'a valid WAV of the first MiB; counted (`capped`) and logged; the call went on',
    );
  });

  it('a full disk stops only that call’s recording: the server and the other calls go on', async () => {
    const dir = await tempDir();
    // Files may not grow past 256 KiB: about 8 s of a stereo recording.
    const server = await spawnServer(
      [
        '--recordings',
        dir,
        '--bot',
        '@psrkit/server/load-test-bot',
        '--max-audio-ahead-ms',
        '600000',
      ],
      {
        fileSizeLimitKb: 256,
      },
    );
    try {
      const bystander = placeCall({
        url: server.url,
        tenant: 'bystander',
        caller: new Int16Array(0),
        tailMs: 3000,
      });
      // 20 s of caller audio at 20× real time: its recording hits the limit within a second.
      const big = await placeCall({
        url: server.url,
        tenant: 'big',
        caller: tone(20_000),
        speed: 20,
        tailMs: 0,
      });
      expect(big.end.by).toBe('caller');
      const quiet = await bystander;
      expect(quiet.end.by).toBe('caller');
      expect(quiet.violations).toEqual([]);
      expect(server.process.exitCode).toBeNull(); // still up
      await expect
        .poll(() => server.logs.some((l) => l['msg'] === 'recording stopped: write failed'))
        .toBe(true);
      const metrics = await (
        await fetch(`${server.url.replace('ws://', 'http://')}metrics`)
      ).text();
      expect(metrics).toMatch(/psrkit_recordings_total\{outcome="failed"\} 1/);
      // What was written before the error is a valid WAV under the limit.
      const files = await wavs(dir);
      const bigFile = files.find((f) => f.startsWith('big__'))!;
      expect(decodeWav(await readFile(join(dir, bigFile))).channels).toBe(2);
      expect(files.some((f) => f.startsWith('bystander__'))).toBe(true);
      await recordRow(
        'recordings',
        'a full disk (files limited to 256 KiB) under a call at 20× real time',
        1,
        'that recording stopped, valid up to the error, logged and counted (`failed`); the server and a bystander call went on',
      );
    } finally {
      await server.stop();
    }
  }, 60_000);
});
