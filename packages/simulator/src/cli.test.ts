import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWav } from '@psrkit/protocol';
import { describe, expect, it } from 'vitest';
import { recordRow } from '../../../tests/fixtures/reliability-rows.js';
import { runPsrSim } from './__fixtures__/run-cli.js';
import { startBotServer, turnTakingBot } from './__fixtures__/servers.js';

describe('psr-sim CLI', () => {
  it('call: prints the timeline, writes what the caller heard, the stereo call and the page', async () => {
    const server = await startBotServer(turnTakingBot(1));
    try {
      const dir = await mkdtemp(join(tmpdir(), 'psr-sim-'));
      const wav = fileURLToPath(new URL('../samples/hello.wav', import.meta.url));
      const { stdout } = await runPsrSim([
        'call',
        server.url,
        '--wav',
        wav,
        '--param',
        'danh_xung=anh',
        '--tail-ms',
        '3000',
        '--heard',
        join(dir, 'heard.wav'),
        '--stereo',
        join(dir, 'call.wav'),
        '--report',
        join(dir, 'call.html'),
      ]);
      expect(stdout).toMatch(/connected/);
      expect(stdout).toMatch(/← media .* is_sync=true/);
      expect(stdout).toMatch(/← transfer to 101/);
      expect(stdout).toMatch(/first reply after each utterance: \d+ ms/);
      const heard = decodeWav(await readFile(join(dir, 'heard.wav')));
      expect(heard).toMatchObject({ sampleRate: 8000, channels: 1 });
      expect(heard.frames).toBeGreaterThan(8000 * 2);
      const stereo = decodeWav(await readFile(join(dir, 'call.wav')));
      expect(stereo).toMatchObject({ sampleRate: 8000, channels: 2 });
      const page = await readFile(join(dir, 'call.html'), 'utf8');
      const data = JSON.parse(
        /<script type="application\/json" id="psr-report">(.*?)<\/script>/s.exec(page)![1]!,
      );
      expect(data.call.transfer).toMatchObject({ extension: '101' });
      expect(data.actions.filter((a: { type: string }) => a.type === 'transfer')).toHaveLength(1);
      expect(stdout).toContain(`the call as a page: ${join(dir, 'call.html')}`);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('call --json prints a machine-readable report', async () => {
    const server = await startBotServer(async (call) => {
      await call.play({ sampleRate: 8000, channels: 1, samples: new Int16Array(800) }).done;
      call.hangup();
    });
    try {
      const { stdout } = await runPsrSim(['call', server.url, '--json', '--speed', '4']);
      const report = JSON.parse(stdout);
      expect(report.summary.actions).toMatchObject({ media: 1, hangup: 1 });
      expect(report.end.by).toBe('bot');
    } finally {
      await server.close();
    }
  }, 30_000);

  it('a bad option or an unreachable server is one clear line and a non-zero exit code', async () => {
    const badSpeed = await runPsrSim(['call', 'ws://127.0.0.1:9/', '--speed', 'fast']).catch(
      (e) => e,
    );
    expect(badSpeed.code).toBe(2);
    expect(badSpeed.stderr).toContain('--speed must be a number');
    expect(badSpeed.stderr.trim().split('\n')).toHaveLength(1); // one line, no help dump
    const noScheme = await runPsrSim(['call', '127.0.0.1:8080']).catch((e) => e);
    expect(noScheme.code).toBe(2);
    expect(noScheme.stderr.trim()).toMatch(
      /^psr-sim: .*expected a ws:\/\/ or wss:\/\/ URL, got "127\.0\.0\.1:8080" \(e\.g\. ws:\/\/127\.0\.0\.1:8080\)/,
    );
    expect(noScheme.stderr.trim().split('\n')).toHaveLength(1);
    const unknown = await runPsrSim(['call', 'ws://x/', '--bogus']).catch((e) => e);
    expect([unknown.code, unknown.stderr.trim().split('\n').length]).toEqual([2, 1]);
    const version = await runPsrSim(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const refused = await runPsrSim(['call', 'ws://127.0.0.1:9/']).catch((e) => e);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^psr-sim: CONNECT_FAILED: /);
    const noFile = await runPsrSim(['call', 'ws://127.0.0.1:9/', '--wav', '/nowhere.wav']).catch(
      (e) => e,
    );
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('INVALID_CALLER_AUDIO');
    await recordRow(
      'command line',
      '`psr-sim`: a URL without a scheme, an unknown flag, a bad `--speed`, a refused connection, a missing WAV',
      5,
      'one line each (`psr-sim: …`; the URL error shows an example), no help dump, exit code 2; `--version` prints the version',
    );
  });
});
