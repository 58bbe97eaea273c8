import type { CallEnd, PsrServer } from '@psrkit/transport';
import { startBotServer } from './servers.js';

/** What the listening bot heard on one call. */
export interface HeardCall {
  /** The call's dynamic parameters. */
  readonly params: Readonly<Record<string, string>>;
  /** The remote side, as it arrived, joined at the end. */
  heard(): Int16Array;
  /** How the call ended, as the bot saw it. */
  readonly closed: Promise<CallEnd>;
}

/**
 * A bot that listens to the remote side and, when the call's parameter `hangup_at_ms` is
 * set, hangs up once it has heard that much audio (audio time, not wall time).
 */
export async function startListeningBot(): Promise<{
  server: PsrServer;
  calls: Map<string, HeardCall>;
}> {
  const calls = new Map<string, HeardCall>();
  const server = await startBotServer(async (call) => {
    const frames: Int16Array[] = [];
    const hangupAt = Number(call.params['hangup_at_ms'] ?? Number.POSITIVE_INFINITY) * 8;
    let got = 0;
    let hungUp = false;
    call.audio().subscribe((frame) => {
      frames.push(frame.samples);
      got += frame.samples.length;
      if (got >= hangupAt && !hungUp) {
        hungUp = true;
        call.hangup();
      }
    });
    calls.set(call.id, {
      params: call.params,
      closed: call.closed,
      heard: () => {
        const all = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
        let at = 0;
        for (const f of frames) {
          all.set(f, at);
          at += f.length;
        }
        return all;
      },
    });
    await call.closed;
  });
  return { server, calls };
}

/** Power of `hz` in `samples` relative to their total power (Goertzel), 0–1: near 1 for a pure tone. */
export function toneShare(samples: Int16Array, hz: number, sampleRate = 8000): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (const x of samples) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return energy === 0 ? 0 : (2 * power) / (samples.length * energy);
}
