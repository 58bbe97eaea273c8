// The stall injected under the underrun table: the bot's own event loop, blocked on purpose.

/**
 * Blocks this thread's event loop with a synchronous busy-wait of `stallMs`, every `everyMs`
 * (a timer: the next stall starts `everyMs` after the last one started, or later), until
 * the returned function is called. `stallMs` 0: no stall.
 */
export function stallEventLoop(stallMs: number, everyMs: number): () => void {
  if (stallMs <= 0) return () => {};
  const timer = setInterval(() => {
    const until = performance.now() + stallMs;
    while (performance.now() < until) {
      // busy: nothing else on this thread runs (timers, sockets, the VAD, the pacer)
    }
  }, everyMs);
  return () => clearInterval(timer);
}
