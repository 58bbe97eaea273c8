import type { Cluster, Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { LoadSample } from './node-load.js';
import { hostNodeLoads, shareWorkerLoads } from './node-load-cluster.js';

/** A worker's IPC channel and the primary's handle on it, wired to each other in memory. */
function fakeWorker(primary: EventEmitter, id: number) {
  const channel = Object.assign(new EventEmitter(), {
    connected: true,
    send(message: unknown) {
      primary.emit('message', handle, message);
      return true;
    },
  });
  const handle = {
    id,
    isConnected: () => true,
    send(message: unknown) {
      channel.emit('message', message);
      return true;
    },
  } as unknown as Worker;
  return { channel, handle };
}

const sample = (calls: number, cpu: number): LoadSample => ({
  calls,
  cpu,
  eventLoopLagMs: 2,
  at: 1000,
});

describe('the load of a node of --workers', () => {
  it("each worker learns its siblings' load through the primary, which judges the node", () => {
    const primary = new EventEmitter();
    const one = fakeWorker(primary, 1);
    const two = fakeWorker(primary, 2);
    const cluster = Object.assign(primary, {
      workers: { 1: one.handle, 2: two.handle },
    }) as unknown as Cluster;
    const host = hostNodeLoads(cluster, { maxCpu: 0.7, maxEventLoopLagMs: 40 });
    const first = shareWorkerLoads(1, one.channel as never);
    const second = shareWorkerLoads(2, two.channel as never);
    try {
      expect(host.load()).toMatchObject({ ready: false, reason: 'warming-up', calls: 0 });
      first.tell(sample(3, 0.2), 'warming-up');
      expect(host.load()).toMatchObject({ ready: false, reason: 'warming-up', calls: 3 });
      second.tell(sample(4, 0.9), 'serving');
      expect(first.others()).toEqual([sample(4, 0.9)]);
      expect(second.others()).toEqual([sample(3, 0.2)]);
      expect(host.load()).toMatchObject({
        ready: false,
        reason: 'overloaded',
        over: ['cpu'],
        calls: 7,
        cpu: 0.9,
      });
      second.tell(sample(4, 0.3), 'serving');
      expect(host.load()).toMatchObject({ ready: true, calls: 7, cpu: 0.3 });
      // A worker that exits is no longer counted, by the primary or its siblings.
      primary.emit('exit', two.handle);
      expect(host.load()).toMatchObject({ reason: 'warming-up', calls: 3 });
      expect(first.others()).toEqual([]);
      first.tell(sample(1, 0.1), 'draining');
      expect(host.load()).toMatchObject({ ready: false, reason: 'draining', calls: 1 });
    } finally {
      host.stop();
      first.close();
      second.close();
    }
  });

  it('a worker whose primary is gone tells nobody, and ignores messages that are not its own', () => {
    const channel = Object.assign(new EventEmitter(), {
      connected: false,
      send: () => {
        throw new Error('the channel is closed');
      },
    });
    const worker = shareWorkerLoads(1, channel as never);
    try {
      expect(() => worker.tell(sample(1, 0.1), 'serving')).not.toThrow();
      channel.emit('message', { psrkitDirectory: { op: 'loads' } });
      channel.emit('message', 'hello');
      expect(worker.others()).toEqual([]);
    } finally {
      worker.close();
    }
  });
});
