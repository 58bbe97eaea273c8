// Every error a user meets starting `psrkit-server` is one line on stderr and exit code 2,
// tried as a new user would, against the built command.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRow } from '../../../tests/fixtures/reliability-rows.js';
import { root } from './__fixtures__/spawn-server.js';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psrkit-cli-'));
  await writeFile(
    join(dir, 'broken.mjs'),
    'export default async (call) => {\n  call.hangup(\n};\n',
  );
  await writeFile(join(dir, 'bot.mjs'), 'export default async (call) => { call.hangup(); };\n');
  await writeFile(join(dir, 'bot.ts'), 'export default async () => {};\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the built server; resolves with its exit code and stderr (it must stop by itself). */
async function server(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [`${root}apps/server/dist/bin.js`, '--host', '127.0.0.1', '--log-format', 'json', ...args],
      { cwd: dir, env: { ...process.env, ...env }, timeout: 30_000, killSignal: 'SIGKILL' },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
const oneLine = (stderr: string) => {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
};

describe('psrkit-server errors: one line, exit code 2', () => {
  it('a port in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      const result = await server(['--port', String(port), '--bot', './bot.mjs']);
      expect(result.code).toBe(2);
      expect(oneLine(result.stderr)).toBe(
        `psrkit-server: cannot listen on 127.0.0.1:${port}: EADDRINUSE`,
      );
      await recordRow(
        'startup',
        'the port is in use',
        1,
        'one line (`cannot listen on host:port: EADDRINUSE`), exit code 2',
      );
    } finally {
      taken.close();
    }
  });

  it('an unknown flag, a missing value, a bad choice: one line each, no help dump', async () => {
    const unknown = await server(['--bogus']);
    expect([unknown.code, oneLine(unknown.stderr)]).toEqual([
      2,
      "psrkit-server: unknown option '--bogus' (see psrkit-server --help)",
    ]);
    const missing = await server(['--port']);
    expect([missing.code, oneLine(missing.stderr)]).toEqual([
      2,
      "psrkit-server: option '--port <port>' argument missing (see psrkit-server --help)",
    ]);
    const choice = await server(['--chunk-format', 'ogg']);
    expect(choice.code).toBe(2);
    expect(oneLine(choice.stderr)).toBe(
      'psrkit-server: --chunk-format: must be one of mp3, pcm16, got "ogg"',
    );
    await recordRow(
      'startup',
      'an unknown flag, a flag without its value, a value not among the choices',
      3,
      'one line each naming the flag (and the choices), pointing to `--help`; exit code 2',
    );
  });

  it('a stage plugin that cannot load, is no plugin, or refuses its options', async () => {
    await writeFile(join(dir, 'not-a-plugin.mjs'), 'export default { name: "x" };\n');
    const cases = [
      ['./nowhere.mjs', /^psrkit-server: --outbound-stage: cannot import "\.\/nowhere\.mjs": /],
      [
        './not-a-plugin.mjs',
        /^psrkit-server: --inbound-stage: "\.\/not-a-plugin\.mjs": .*specificationVersion undefined is not supported/,
      ],
      [
        '@psrkit/plugin-gain={"gainDb":',
        /^psrkit-server: --inbound-stage: "@psrkit\/plugin-gain": its options are not JSON/,
      ],
      [
        '@psrkit/plugin-gain={"gainDb":600}',
        /^psrkit-server: --inbound-stage: "@psrkit\/plugin-gain": gain\.gainDb: must be a finite number from -120 to 60, got 600$/,
      ],
    ] as const;
    for (const [stage, expected] of cases) {
      const flag = String(expected).includes('outbound') ? '--outbound-stage' : '--inbound-stage';
      const result = await server(['--port', '0', '--bot', './bot.mjs', flag, stage]);
      expect(result.code, stage).toBe(2);
      expect(oneLine(result.stderr)).toMatch(expected);
    }
    await recordRow(
      'startup',
      'an `--outbound-stage` that cannot be imported; an `--inbound-stage` that is not a plugin, has options that are not JSON, or refuses its options',
      4,
      'one line naming the flag, the module and what is wrong; exit code 2 before any call',
    );
  });

  it('a bitrate 8 kHz MP3 cannot have', async () => {
    const result = await server(['--bitrate', '33']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(
      /^psrkit-server: --bitrate: must be one of 8, 16, 24, 32/,
    );
    await recordRow(
      'startup',
      '`--bitrate 33` (not an 8 kHz MP3 bitrate)',
      1,
      'one line naming the option and the allowed values, exit code 2',
    );
  });

  it('a bot with a syntax error: its file and line', async () => {
    const result = await server(['--port', '0', '--bot', './broken.mjs']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(
      /cannot import "\.\/broken\.mjs": .*\(at .*broken\.mjs:\d+\)/,
    );
    await recordRow(
      'startup',
      'a bot with a syntax error',
      1,
      'one line with the error and its file:line, exit code 2',
    );
  });

  it('a TypeScript bot: a hint', async () => {
    const result = await server(['--port', '0', '--bot', 'bot.ts']);
    expect(result.code).toBe(2);
    // The command it suggests names the server it was started from, a path that exists.
    expect(oneLine(result.stderr)).toBe(
      `psrkit-server: cannot load the bot: --bot: "bot.ts" is TypeScript: build it to JavaScript first, or run the server under tsx (node --import tsx ${root}apps/server/dist/bin.js --bot bot.ts)`,
    );
    await recordRow(
      'startup',
      'a `.ts` bot',
      1,
      'one line with what to do (build it, or run under tsx), exit code 2',
    );
  });

  it('--workers 2 with a bot that cannot load stops at once', async () => {
    const result = await server(['--port', '0', '--workers', '2', '--bot', './nowhere.mjs']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/^psrkit-server: cannot load the bot: /);
    await recordRow(
      'startup',
      '`--workers 2` with a bot that cannot load',
      1,
      'one line, exit code 2 at once (no workers forked)',
    );
  });

  it('--version, and a path that exists is a path even without ./ (with a word for each doubtful setting)', async () => {
    const version = await server(['--version']);
    expect([version.code, version.stdout.trim()]).toEqual([
      0,
      expect.stringMatching(/^\d+\.\d+\.\d+/),
    ]);
    // bot.mjs hangs up at once; the server is stopped below.
    const child = execFile(
      process.execPath,
      [
        `${root}apps/server/dist/bin.js`,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--bot',
        'bot.mjs',
        '--lead-ms',
        '50',
        '--tokens',
        'acme:s3cret',
      ],
      { cwd: dir, env: { ...process.env, PSRKIT_BITRATE: '24' }, timeout: 30_000 },
    );
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout!.on('data', (data: Buffer) => {
          text += data;
          if (text.includes('"msg":"listening"')) resolve(text);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${text}`)));
      });
      expect(out).toContain(
        'PSRKIT_BITRATE is not a setting and is ignored (did you mean PSRKIT_MP3_BITRATE?)',
      );
      expect(out).toContain(
        '--lead-ms 50 is less than one chunk (72 ms) and a 40 ms margin: streams will run dry between chunks',
      );
      expect(out).toContain(
        '--tokens on the command line can be read by any local user (ps, /proc/<pid>/cmdline): set PSRKIT_TOKENS instead',
      );
      expect(out).not.toContain('s3cret');
    } finally {
      child.kill('SIGKILL');
    }
    await recordRow(
      'startup',
      '`--bot bot.mjs` (a path without `./`); `PSRKIT_BITRATE` (no such setting); `--lead-ms 50`; `--tokens` as a flag',
      4,
      'the file is loaded; a warning each at startup: the setting it may mean (`PSRKIT_MP3_BITRATE`), that streams will run dry, that flags show in `ps` (use `PSRKIT_TOKENS`); no token in the log',
    );
  });
});
