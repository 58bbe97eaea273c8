import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';
import { SETTINGS, settingsMarkdown } from './settings.js';

describe('parseConfig', () => {
  it('has a default for everything', () => {
    expect(parseConfig([], {})).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      path: '/',
      tokens: [],
      leadMs: 144,
      bitrateKbps: 32,
      framesPerChunk: 1,
      chunkFormat: 'mp3',
      heartbeatMs: 15_000,
      workers: 1,
      logFormat: 'json',
      bot: '@psrkit/demo-bot',
      onBotError: { action: 'hangup' },
      handshakeTimeoutMs: 10_000,
      encodeAhead: false,
      remoteSide: 'a',
    });
    expect(parseConfig(['--remote-side', 'b'], {}).remoteSide).toBe('b');
    expect(parseConfig([], { PSRKIT_REMOTE_SIDE: 'b' }).remoteSide).toBe('b');
    expect(() => parseConfig(['--remote-side', 'c'], {})).toThrow(/--remote-side/);
    expect(parseConfig(['--encode-ahead', 'on'], {}).encodeAhead).toBe(true);
    expect(parseConfig([], { PSRKIT_ENCODE_AHEAD: 'on' }).encodeAhead).toBe(true);
    expect(parseConfig(['--on-bot-error', 'transfer:101'], {}).onBotError).toEqual({
      action: 'transfer',
      extension: '101',
    });
  });

  it('binds tokens to tenants (tenant:token), keeps secrets off the command line, and takes a metrics token', () => {
    const fromEnv = parseConfig([], {
      PSRKIT_TOKENS: 'acme:t1, plain, beta:t:2',
      PSRKIT_METRICS_TOKEN: 'm',
    });
    expect(fromEnv.tokens).toEqual([
      { tenant: 'acme', token: 't1' },
      'plain',
      { tenant: 'beta', token: 't:2' },
    ]);
    expect(fromEnv.metricsToken).toBe('m');
    expect(fromEnv.warnings).toEqual([]);
    expect(() => parseConfig(['--tokens', ':x'], {})).toThrow(ConfigError);
    expect(() => parseConfig(['--tokens', 'acme:'], {})).toThrow(/<tenant>:<token>/);
    const fromFlags = parseConfig(['--tokens', 't', '--metrics-token', 'm'], {});
    expect(fromFlags.warnings).toEqual([
      '--tokens on the command line can be read by any local user (ps, /proc/<pid>/cmdline): set PSRKIT_TOKENS instead',
      '--metrics-token on the command line can be read by any local user (ps, /proc/<pid>/cmdline): set PSRKIT_METRICS_TOKEN instead',
    ]);
    expect(parseConfig([], {}).metricsToken).toBeUndefined();
  });

  it('takes inbound stages from repeated flags or a semicolon-separated variable, in order', () => {
    expect(parseConfig([], {}).inboundStages).toEqual([]);
    expect(
      parseConfig(['--inbound-stage', 'a={"x":1}', '--inbound-stage', './b.mjs'], {}).inboundStages,
    ).toEqual(['a={"x":1}', './b.mjs']);
    expect(parseConfig([], { PSRKIT_INBOUND_STAGES: 'a; ./b.mjs={"y":2}' }).inboundStages).toEqual([
      'a',
      './b.mjs={"y":2}',
    ]);
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      PORT: '9000',
      PSRKIT_TOKENS: 'a, b',
      PSRKIT_LEAD_MS: '300',
      PSRKIT_CHUNK_FORMAT: 'pcm16',
    };
    expect(parseConfig([], env)).toMatchObject({
      port: 9000,
      tokens: ['a', 'b'],
      leadMs: 300,
      chunkFormat: 'pcm16',
    });
    expect(parseConfig(['--port', '9100', '--tokens', 'c'], env)).toMatchObject({
      port: 9100,
      tokens: ['c'],
      leadMs: 300,
    });
  });

  it('names the option that is wrong', () => {
    const error = (argv: string[], env = {}) => {
      try {
        parseConfig(argv, env);
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    };
    expect(error(['--port', 'abc'])).toMatchObject({ option: '--port', code: 'INVALID_CONFIG' });
    expect(error([], { PSRKIT_LEAD_MS: '-1' })).toBeInstanceOf(ConfigError);
    expect(error(['--path', 'ws'])).toMatchObject({ option: '--path' });
    expect(error(['--chunk-format', 'ogg']).message).toMatch(/chunk-format/);
    expect(error(['--no-such-flag']).message).toMatch(/unknown option/);
    expect(error(['--on-bot-error', 'explode'])).toMatchObject({ option: '--on-bot-error' });
    expect(error(['--on-bot-error', 'transfer:'])).toMatchObject({ option: '--on-bot-error' });
  });

  it('names the variable when the value came from the environment', () => {
    expect(() => parseConfig([], { PSRKIT_LEAD_MS: '-1' })).toThrow(
      'PSRKIT_LEAD_MS: must be an integer from 0 to 10000, got "-1"',
    );
    expect(() => parseConfig([], { PSRKIT_CHUNK_FORMAT: 'ogg' })).toThrow(
      'PSRKIT_CHUNK_FORMAT: must be one of mp3, pcm16, got "ogg"',
    );
  });

  it('is one table: every setting is in the config, and the README lists them all as they are', async () => {
    const config = parseConfig([], {});
    expect(Object.keys(config).sort()).toEqual([...SETTINGS.map((s) => s.key), 'warnings'].sort());
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(settingsMarkdown()); // after a change: pnpm --filter @psrkit/server docs
  });

  it('takes --redis-url (PSRKIT_REDIS_URL) for the call directory, with or without campaigns', () => {
    const url = 'rediss://user:pw@redis.example:6380/1';
    expect(parseConfig([], { PSRKIT_REDIS_URL: url })).toMatchObject({ redisUrl: url });
    expect(parseConfig([], { PSRKIT_REDIS_URL: url }).campaigns).toBeUndefined();
    expect(parseConfig([], {}).redisUrl).toBeUndefined();
    expect(() => parseConfig([], { PSRKIT_REDIS_URL: 'http://redis' })).toThrow(
      /^PSRKIT_REDIS_URL: /,
    );
  });

  it('does not change the process environment', () => {
    const before = { ...process.env };
    parseConfig(['--port', '1234'], { PSRKIT_HOST: '::1' });
    expect(process.env).toEqual(before);
  });
});
