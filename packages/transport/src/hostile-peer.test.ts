// A peer that sends what no PSR would: the call goes on, memory stays bounded, and the log
// gets a few short, escaped lines, not the peer's text.
import { afterEach, describe, expect, it } from 'vitest';
import { callIn, closeServers, serve, until } from './__fixtures__/loopback.js';
import type { Call } from './call-types.js';
import type { TransportLogger } from './logger.js';

afterEach(closeServers);

/** A logger that keeps every line (fields, bindings and message). */
function capturing(): { logger: TransportLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const make = (bindings: object): TransportLogger => {
    const at = (level: string) => (fields: object, msg: string) =>
      void lines.push({ level, ...bindings, ...fields, msg });
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return { logger: make({}), lines };
}

async function hostileCall() {
  const { logger, lines } = capturing();
  let call: Call | undefined;
  const server = await serve(
    (c) => {
      call = c;
    },
    { logger },
  );
  const { psr } = await callIn(server);
  await until(() => call !== undefined);
  return { psr, call: call!, lines };
}

describe('a hostile peer', () => {
  it('invalid UTF-8 in a text frame is one refused frame (INVALID_UTF8), not a closed call', async () => {
    const { psr, call } = await hostileCall();
    psr.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    await until(() => call.stats.frameErrors.INVALID_UTF8 === 1);
    psr.sendMedia(new Int16Array(160));
    await until(() => call.stats.samplesIn === 160);
    expect(call.state).toBe('open');
    await psr.close();
  });

  it('a megabyte-long event name reaches the log cut to 120 characters, escaped', async () => {
    const { psr, call, lines } = await hostileCall();
    const name = `\u202e${'x'.repeat(1_000_000)}`;
    psr.sendRaw(JSON.stringify({ event: name, data: { call_id: psr.callId } }));
    await until(() => call.stats.unknownEvents === 1);
    const line = lines.find((l) => l['msg'] === 'unknown event')!;
    expect(line['event']).toBe(`\\u202e${'x'.repeat(119)}… (1000001 chars)`);
    await psr.close();
  });

  it('thousands of bad frames give a few warnings, then one that says how many were left out', async () => {
    const { psr, call, lines } = await hostileCall();
    for (let i = 0; i < 2000; i++) psr.sendRaw('not json');
    await until(() => call.stats.frameErrors.INVALID_JSON === 2000);
    const refused = lines.filter((l) => l['msg'] === 'frame refused');
    expect(refused).toHaveLength(20);
    await psr.close();
  });

  it('audio far ahead of real time is dropped, and a frame with seconds of audio refused', async () => {
    const { psr, call } = await hostileCall();
    psr.sendMedia(new Int16Array(8000 * 2)); // 2 s in one frame: PSR sends 20 ms
    await until(() => call.stats.frameErrors.MEDIA_TOO_LONG === 1);
    expect(call.stats.samplesIn).toBe(0);
    const started = Date.now();
    for (let i = 0; i < 250; i++) psr.sendMedia(new Int16Array(160)); // 5 s at once
    await until(() => call.stats.framesIn === 1 + 1 + 250);
    // About 2 s (the bound) plus the time it took were taken; the rest was dropped.
    const takenMs = call.stats.samplesIn / 8;
    expect(takenMs).toBeGreaterThanOrEqual(2000 - 20);
    expect(takenMs).toBeLessThanOrEqual(2000 + (Date.now() - started) + 20);
    expect(call.stats.frameErrors.AUDIO_AHEAD).toBe(250 - takenMs / 20);
    expect(call.state).toBe('open');
    await psr.close();
  });

  it('endless new extra fields stop being remembered (and reported) after 256', async () => {
    const { psr, call, lines } = await hostileCall();
    for (let frame = 0; frame < 10; frame++) {
      const extra = Object.fromEntries(
        Array.from({ length: 100 }, (_, i) => [`k${frame}_${i}`, 1]),
      );
      psr.sendRaw(
        JSON.stringify({
          event: 'connected',
          timestamp: 1,
          data: { call_id: psr.callId, channel: 'mono_a', ...extra },
        }),
      );
    }
    await until(() => call.stats.framesIn >= 11);
    const reported = lines
      .filter((l) => l['msg'] === 'fields ignored')
      .reduce((n, l) => n + (l['fields'] as string[]).length + ((l['more'] as number) ?? 0), 0);
    expect(reported).toBe(256);
    expect(lines.some((l) => l['no_more_reported'] === true)).toBe(true);
    await psr.close();
  });
});
