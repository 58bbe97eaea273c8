import { execFile, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A certificate for `localhost` and 127.0.0.1 that signs itself, and its key, as files and PEM. */
export interface SelfSigned {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  /** The certificate and key in one file (what HAProxy's `crt` takes). */
  readonly pemFile: string;
}

/**
 * Whether the TLS tests can run: true with `openssl` installed (Debian's; node:crypto cannot
 * sign an X.509 certificate); without it, false with a warning, or an error in CI.
 */
export function opensslRunnable(): boolean {
  if (spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0) return true;
  if (process.env['CI'])
    throw new Error('openssl is not installed: CI must run the TLS tests (.ci/run installs it)');
  console.warn('openssl is not installed: the TLS tests are skipped');
  return false;
}

/** Makes a P-256 certificate valid for two days in `dir` with Debian's `openssl`. */
export async function makeSelfSigned(dir: string): Promise<SelfSigned> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const pemFile = join(dir, 'both.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  const cert = await readFile(certFile);
  await writeFile(pemFile, Buffer.concat([cert, await readFile(keyFile)]));
  return { certFile, keyFile, cert, pemFile };
}
