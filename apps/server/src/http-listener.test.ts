// `--tls-cert/--tls-key`: the one port serves wss:// and https:// itself. A certificate
// made by the test (Debian's openssl), calls placed with the emulator trusting it — as a
// library (`ca`) and as `psr-sim call --ca`.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodeWav } from '@psrkit/protocol';
import { placeCall } from '@psrkit/simulator';
import type { Bot } from '@psrkit/transport';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSelfSigned, opensslRunnable, type SelfSigned } from './__fixtures__/self-signed.js';
import { root } from './__fixtures__/spawn-server.js';
import { ConfigError, parseConfig } from './config.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';

const tone = (ms: number) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
/** Greets with 300 ms of tone, then hangs up. */
const greeter: Bot = async (call) => {
  await call.play({ sampleRate: 8000, channels: 1, samples: tone(300) }).done;
  call.hangup();
};
const logger = pino({ level: 'silent' });

/** GET over https trusting `ca`: status and body. */
const getTls = (url: string, ca: Buffer) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    get(url, { ca }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (piece: string) => {
        body += piece;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });

describe.runIf(opensslRunnable())('psrkit-server --tls-cert --tls-key', () => {
  let dir: string;
  let tls: SelfSigned;
  let server: ReferenceServer | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'psrkit-tls-'));
    tls = await makeSelfSigned(dir);
    const config = parseConfig(
      ['--host', '127.0.0.1', '--port', '0', '--tls-cert', tls.certFile, '--tls-key', tls.keyFile],
      {},
    );
    server = await startReferenceServer(config, greeter, logger);
  });
  afterAll(async () => {
    await server?.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves wss:// calls and https:// health on its one port', async () => {
    const url = server!.url;
    expect(url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/$/);
    const report = await placeCall({ url, ca: tls.cert, caller: tone(200), tailMs: 10_000 });
    expect(report.hangup).toBeDefined();
    expect(report.actions.map((a) => a.type)).toEqual(['media', 'hangup']);
    const https = url.replace(/^wss:/, 'https:');
    expect(await getTls(`${https}healthz`, tls.cert)).toEqual({ status: 200, body: 'ok\n' });
    expect((await getTls(`${https}readyz`, tls.cert)).status).toBe(200);
  });

  it('a client that does not trust the certificate cannot connect', async () => {
    await expect(placeCall({ url: server!.url, caller: tone(200) })).rejects.toMatchObject({
      code: 'CONNECT_FAILED',
      message: expect.stringMatching(/self[- ]signed certificate/),
    });
  });

  it('psr-sim call --ca places the call over wss://', async () => {
    const wav = join(dir, 'caller.wav');
    await writeFile(wav, encodeWav({ sampleRate: 8000, channels: 1, samples: tone(200) }));
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(root, 'packages/simulator/dist/bin.js'),
      'call',
      server!.url,
      '--ca',
      tls.certFile,
      '--wav',
      wav,
      '--tail-ms',
      '10000',
      '--json',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ hangup: expect.anything(), violations: [] });
  });

  it('refuses a certificate without its key, and a file it cannot read, naming the option', async () => {
    expect(() => parseConfig(['--tls-cert', tls.certFile], {})).toThrow(
      new ConfigError(
        '--tls-key',
        'give --tls-cert and --tls-key together (PSRKIT_TLS_CERT, PSRKIT_TLS_KEY)',
      ),
    );
    const missing = parseConfig(
      ['--port', '0', '--tls-cert', join(dir, 'none.pem'), '--tls-key', tls.keyFile],
      {},
    );
    await expect(startReferenceServer(missing, greeter, logger)).rejects.toThrow(
      `--tls-cert: cannot read ${join(dir, 'none.pem')}: ENOENT`,
    );
    const swapped = parseConfig(
      ['--port', '0', '--tls-cert', tls.keyFile, '--tls-key', tls.certFile],
      { PSRKIT_TLS_CERT: 'ignored: the flag wins' },
    );
    await expect(startReferenceServer(swapped, greeter, logger)).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});
