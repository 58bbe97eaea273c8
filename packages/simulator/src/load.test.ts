import { describe, expect, it } from 'vitest';
import { tone } from '../../line/src/__fixtures__/audio.js';
import { startBotServer, turnTakingBot } from './__fixtures__/servers.js';
import type { ActionRecord } from './call-report.js';
import { chunkJitter, runLoad } from './load.js';
import { percentiles } from './percentiles.js';

describe('percentiles', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, shuffled order
    expect(percentiles(values)).toEqual({ count: 100, p1: 1, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(percentiles([7])).toEqual({ count: 1, p1: 7, p50: 7, p95: 7, p99: 7, max: 7 });
    expect(percentiles([])).toBeUndefined();
  });
});

describe('chunkJitter', () => {
  const chunk = (atMs: number, audioMs = 144): ActionRecord => ({
    atMs,
    type: 'chunk',
    bytes: 576,
    audioMs,
  });
  it('measures how much less audio each chunk found queued than the typical chunk did', () => {
    const actions: ActionRecord[] = [
      chunk(0), // idle line: left out
      chunk(1), // the lead filling: 143 ms queued
      chunk(156), // then one whenever 132 ms are left …
      chunk(300),
      chunk(444),
      { atMs: 500, type: 'media', bytes: 1000, audioMs: 500 }, // not a chunk
      chunk(598), // 10 ms late: 122 ms left
      chunk(732), // back on time (132 ms left)
      chunk(876),
    ];
    expect(chunkJitter(actions)).toEqual([0, 0, 0, 0, 10, 0, 0]);
    expect(chunkJitter([])).toEqual([]);
  });
});

describe('runLoad', () => {
  it('opens concurrent calls, ramped, and sums up what they saw', async () => {
    const server = await startBotServer(turnTakingBot(100));
    let peak = 0;
    server.on('call-open', () => {
      peak = Math.max(peak, server.activeCalls);
    });
    const ends: number[] = [];
    try {
      const caller = new Int16Array([
        ...new Int16Array(2400),
        ...tone(500, 300),
        ...new Int16Array(6000),
      ]);
      const summary = await runLoad({
        url: server.url,
        calls: 8,
        rampMs: 200,
        durationMs: 2500,
        caller,
        onCallEnd: (done) => ends.push(done),
      });
      expect(summary).toMatchObject({ calls: 8, connectFailures: 0, endedEarly: 0, violations: 0 });
      // Gaps depend on this shared machine's load (server and callers share one process here);
      // they are counted per call, and the benchmarks, not this test, hold the no-underrun goal.
      expect(summary.callsWithUnderruns).toBeLessThanOrEqual(summary.underruns);
      expect(summary.callsWithUnderruns).toBeLessThanOrEqual(8);
      // Every call heard the greeting, spoke once (0.3–0.8 s) and got an answer.
      expect(summary.firstReplyMs?.count).toBe(8);
      expect(summary.firstReplyMs!.p99).toBeLessThan(3000);
      expect(summary.chunkJitterMs?.count).toBeGreaterThan(0);
      expect(summary.marginMs?.count).toBeGreaterThan(0);
      expect(summary.emulatorLoopDelayMs?.count).toBeGreaterThan(0);
      expect(peak).toBe(8);
      expect(ends).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    } finally {
      await server.close();
    }
  });

  it('counts calls that cannot connect', async () => {
    const server = await startBotServer(async () => {}, {
      authenticate: () => ({ allow: false, status: 403, reason: 'not you' }),
    });
    try {
      const summary = await runLoad({
        url: server.url,
        calls: 3,
        durationMs: 200,
        caller: tone(100),
      });
      expect(summary.connectFailures).toBe(3);
      expect(summary.errors).toHaveLength(1);
      expect(summary.errors[0]).toContain('403');
    } finally {
      await server.close();
    }
  });
});
