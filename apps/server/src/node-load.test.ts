import { describe, expect, it } from 'vitest';
import {
  combineSamples,
  createLoadMeter,
  createNodeStatus,
  judgeLoad,
  type LoadSample,
  READY_DEFAULTS,
} from './node-load.js';

const sample = (over: Partial<LoadSample> = {}): LoadSample => ({
  calls: 3,
  cpu: 0.2,
  eventLoopLagMs: 1,
  at: 1000,
  ...over,
});
const thresholds = { maxCpu: 0.7, maxEventLoopLagMs: 40, maxCalls: 10 };

describe("a node's load", () => {
  it('is ready while serving under every threshold; says which figures are over, in order', () => {
    expect(judgeLoad(sample(), thresholds, 'serving')).toEqual({ ...sample(), ready: true });
    expect(
      judgeLoad(sample({ cpu: 0.7, eventLoopLagMs: 40, calls: 9 }), thresholds, 'serving'),
    ).toMatchObject({ ready: true });
    expect(
      judgeLoad(sample({ calls: 10, cpu: 0.71, eventLoopLagMs: 40.5 }), thresholds, 'serving'),
    ).toEqual({
      ...sample({ calls: 10, cpu: 0.71, eventLoopLagMs: 40.5 }),
      ready: false,
      reason: 'overloaded',
      over: ['calls', 'cpu', 'event-loop-lag'],
    });
    expect(judgeLoad(sample({ calls: 500 }), READY_DEFAULTS, 'serving')).toMatchObject({
      ready: true,
    });
  });

  it('is not ready while warming up or draining, whatever its figures', () => {
    for (const phase of ['warming-up', 'draining'] as const)
      expect(judgeLoad(sample({ cpu: 5 }), thresholds, phase)).toEqual({
        ...sample({ cpu: 5 }),
        ready: false,
        reason: phase,
      });
  });

  it("of several processes: calls summed, the busiest process's CPU and lag, the oldest time", () => {
    expect(
      combineSamples([
        sample({ calls: 2, cpu: 0.5, eventLoopLagMs: 30, at: 900 }),
        sample({ calls: 5, cpu: 0.8, eventLoopLagMs: 3, at: 1000 }),
      ]),
    ).toEqual({ calls: 7, cpu: 0.8, eventLoopLagMs: 30, at: 900 });
    expect(combineSamples([], 42)).toEqual({ calls: 0, cpu: 0, eventLoopLagMs: 0, at: 42 });
  });
});

describe("a process's load meter and a node's status", () => {
  it("measures this process: a busy interval's CPU share and event-loop lag, then a quiet one's", async () => {
    const samples: LoadSample[] = [];
    const meter = createLoadMeter(
      () => 4,
      300,
      (s) => samples.push(s),
    );
    try {
      // The loop blocked for 150 ms twice: CPU spent, and a lag the p99 sees.
      const block = () => {
        const until = performance.now() + 150;
        while (performance.now() < until);
      };
      setTimeout(block, 50);
      setTimeout(block, 150);
      await expect.poll(() => samples.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      expect(samples[0]).toMatchObject({ calls: 4 });
      expect(samples[0]!.cpu).toBeGreaterThan(0.2);
      expect(samples[0]!.eventLoopLagMs).toBeGreaterThanOrEqual(100);
      meter.restart();
      expect(meter.sample()).toMatchObject({ calls: 4, cpu: 0, eventLoopLagMs: 0 });
    } finally {
      meter.stop();
    }
  });

  it('starts warming up, serves, drains (never back); tells its siblings and counts theirs', () => {
    const told: string[] = [];
    const status = createNodeStatus({
      calls: () => 4,
      thresholds,
      siblings: {
        others: () => [sample({ calls: 6, cpu: 0.1 })],
        tell: (_sample, phase) => told.push(phase),
      },
    });
    try {
      expect(status.load()).toMatchObject({ ready: false, reason: 'warming-up', calls: 10 });
      status.enter('serving');
      // 4 here and 6 on a sibling: at the cap of 10.
      expect(status.load()).toMatchObject({ ready: false, reason: 'overloaded', over: ['calls'] });
      status.enter('draining');
      status.enter('serving');
      expect(status.phase).toBe('draining');
      expect(told).toEqual(['serving', 'draining']);
    } finally {
      status.stop();
    }
  });
});
