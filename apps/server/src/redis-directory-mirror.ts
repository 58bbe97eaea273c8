import { callKey, type DirectoryBook, type LiveCall } from './call-directory.js';
import type { StoredCall } from './redis-call-store.js';

/**
 * This node's copy of the other nodes' calls, in the book its pages read: each call another
 * node writes comes by pub/sub; a resync (on connecting, after an outage, now and then) makes
 * it what Redis holds. Pub/sub drops what is sent while a subscriber reconnects, and a
 * resync reads while changes go on: what comes during one is held and applied after it, in
 * order, so the newest view wins. This node's own calls are its own truth, never replaced.
 */
export class DirectoryMirror {
  private held: LiveCall[] | undefined;

  constructor(
    private readonly book: DirectoryBook,
    private readonly isOwn: (call: LiveCall) => boolean,
  ) {}

  /** A call as another node wrote it. */
  receive(call: LiveCall): void {
    if (this.held) this.held.push(call);
    else this.apply(call);
  }

  /** Makes the book what `read` (Redis) holds: calls added and changed, calls gone removed. */
  async resync(read: () => Promise<StoredCall[]>): Promise<void> {
    if (this.held) return; // one at a time
    this.held = [];
    try {
      const stored = await read();
      const seen = new Set<string>();
      for (const { call } of stored) {
        seen.add(callKey(call));
        this.apply(call);
      }
      for (const call of this.book.list())
        if (!seen.has(callKey(call)) && !this.isOwn(call))
          this.book.apply({ type: 'gone', tenant: call.tenant, id: call.id });
    } finally {
      const held = this.held;
      this.held = undefined;
      for (const call of held) this.apply(call);
    }
  }

  private apply(call: LiveCall): void {
    if (this.isOwn(call)) return;
    const listed = this.book.get(call);
    if (listed && JSON.stringify(listed) === JSON.stringify(call)) return; // nothing new
    this.book.apply({ type: 'call', call });
  }
}
