import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CallSink } from './call-sink.js';
import { createCallStats } from './call-stats.js';
import type { CallEvent } from './call-types.js';
import type { PsrConnection } from './connection.js';
import { silentLogger } from './logger.js';

/** A carrier whose buffer the test sets, and a sink on it. */
function sinkOn(options: { closed?: boolean } = {}) {
  const connection = Object.assign(new EventEmitter(), {
    bufferedAmount: 0,
    isOpen: true,
    frames: [] as string[],
    send(text: string) {
      this.frames.push(text);
      return true;
    },
    close() {},
    terminate() {},
  });
  const stats = createCallStats();
  const events: CallEvent[] = [];
  const sent: string[] = [];
  let overflows = 0;
  const sink = new CallSink({
    connection: connection as PsrConnection & typeof connection,
    highWaterMark: 1000,
    maxBufferedBytes: 5000,
    logger: silentLogger,
    count: (update) => update(stats),
    emit: (event) => events.push(event),
    closed: () => options.closed ?? false,
    sent: (action) => sent.push(action.type),
    overflow: () => overflows++,
  });
  return { sink, connection, stats, events, sent, overflows: () => overflows };
}

describe('CallSink: the playout line’s way out to PSR', () => {
  it('sends each action as one text frame, counted and reported', () => {
    const { sink, connection, stats, sent } = sinkOn();
    expect(sink.send({ type: 'hangup' })).toBe(true);
    expect(connection.frames).toHaveLength(1);
    expect(JSON.parse(connection.frames[0]!)).toMatchObject({ event: 'hangup' });
    expect(stats.actionsSent.hangup).toBe(1);
    expect(stats.bytesOut).toBe(connection.frames[0]!.length);
    expect(sent).toEqual(['hangup']);
  });

  it('sends nothing once the call has closed', () => {
    const { sink, connection } = sinkOn({ closed: true });
    expect(sink.send({ type: 'hangup' })).toBe(false);
    expect(connection.frames).toEqual([]);
  });

  it('is writable below the watermark; a wait is counted each time and reported once per episode', () => {
    const { sink, connection, stats, events } = sinkOn();
    expect(sink.writable()).toBe(true);
    connection.bufferedAmount = 1000;
    expect(sink.writable()).toBe(false);
    sink.blocked();
    sink.blocked();
    expect(events).toEqual([{ type: 'backpressure-start', bufferedAmount: 1000 }]);
    connection.bufferedAmount = 0;
    sink.send({ type: 'hangup' }); // an action went out: the episode is over
    connection.bufferedAmount = 2000;
    sink.blocked();
    expect(events.map((e) => e.type)).toEqual(['backpressure-start', 'backpressure-start']);
    expect(stats.backpressureWaits).toBe(3);
  });

  it('reports an overflow when the unsent bytes pass maxBufferedBytes after a send', () => {
    const { sink, connection, overflows } = sinkOn();
    connection.bufferedAmount = 5000;
    sink.send({ type: 'hangup' });
    expect(overflows()).toBe(0);
    connection.bufferedAmount = 5001;
    expect(sink.send({ type: 'hangup' })).toBe(true);
    expect(overflows()).toBe(1);
  });
});
