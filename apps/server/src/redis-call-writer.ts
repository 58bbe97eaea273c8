import { callKey, type LiveCall } from './call-directory.js';
import type { RedisCallStore } from './redis-call-store.js';
import { CALL_TTL_MS } from './redis-directory-keys.js';

/** What the writer needs of its directory. */
export interface WriterPorts {
  readonly store: RedisCallStore;
  /** This node's id: the holder of what it writes, and their origin. */
  readonly node: string;
  /** Whether Redis is reachable now (nothing is sent while it is not). */
  up(): boolean;
  /** A write failed (Redis slow or away): the calls stay to write. */
  failed(error: unknown): void;
}

/**
 * This node's calls on their way to Redis, never in a call's way: each write only notes the
 * call's newest view, and one batch at a time goes out (one round trip), so a slow Redis
 * holds at most one view per call and an outage none of the calls' time. What could not be
 * written stays until Redis is back.
 */
export class CallWriter {
  private readonly unwritten = new Map<string, LiveCall>(); // by call key
  private readonly writtenAt = new Map<string, number>(); // live calls: when last written
  private flushing: Promise<void> | undefined;

  constructor(private readonly ports: WriterPorts) {}

  /** Notes `call`'s newest view and sends it soon. */
  write(call: LiveCall): void {
    const key = callKey(call);
    this.unwritten.set(key, call);
    if (call.state === 'closed') this.writtenAt.delete(key);
    this.flushSoon();
  }

  /** Writes again each of `calls` not written for a third of its TTL (its hash must not expire). */
  refresh(calls: readonly LiveCall[], now = Date.now()): void {
    for (const call of calls)
      if (now - (this.writtenAt.get(callKey(call)) ?? 0) > CALL_TTL_MS / 3) this.write(call);
  }

  /** Sends what is unwritten, if Redis is up; resolves once nothing is on its way. */
  flushSoon(): Promise<void> {
    if (!this.ports.up()) return Promise.resolve();
    this.flushing ??= this.flush().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.unwritten.size > 0 && this.ports.up()) {
      const batch = [...this.unwritten.values()];
      this.unwritten.clear();
      try {
        await this.ports.store.put(batch, this.ports.node, this.ports.node);
      } catch (error) {
        // Kept for later unless a newer view came meanwhile.
        for (const call of batch)
          if (!this.unwritten.has(callKey(call))) this.unwritten.set(callKey(call), call);
        this.ports.failed(error);
        return;
      }
      const now = Date.now();
      for (const call of batch) if (call.state !== 'closed') this.writtenAt.set(callKey(call), now);
    }
  }

  /** Whether views are waiting to go out. */
  get pending(): boolean {
    return this.unwritten.size > 0;
  }
}
