// How a node leaves: readiness off at once, new calls still taken for a short grace (a
// load balancer sends some for a moment after it sees the node go), then refused; live
// calls finish up to the drain limit, and the rest are ended.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PsrServer } from '@psrkit/transport';
import type { Logger } from 'pino';

/** How a node drains (`--drain-grace-ms`, `--drain-timeout-ms`; SIGINT ends the grace). */
export interface DrainOptions {
  /** New calls are still accepted this long (readiness is off already), ms. */
  readonly graceMs: number;
  /**
   * Live calls may go on this long after the drain starts, the grace included; then they
   * end (close 1001, reason `shutdown`), ms.
   */
  readonly drainTimeoutMs: number;
  /** Ends the grace early: new calls are refused from then on. */
  readonly endGrace?: AbortSignal;
}

/** Waits `ms`, or less when `signal` aborts first. */
async function wait(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return;
  await sleep(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
}

/** Resolves once every live call of `psr` has ended, or after `ms`. */
async function callsEnded(psr: PsrServer, ms: number): Promise<void> {
  if (psr.activeCalls === 0 || ms <= 0) return;
  const abort = new AbortController();
  await Promise.race([Promise.all(psr.calls.map((call) => call.closed)), wait(ms, abort.signal)]);
  abort.abort();
}

/**
 * Drains `psr` (its readiness already off): accepts new calls for the grace, then refuses
 * them (503), waits for the live calls up to the drain limit, ends those still live and
 * stops the WebSocket server. Logs each step.
 */
export async function drainCalls(
  psr: PsrServer,
  options: DrainOptions,
  logger: Logger,
): Promise<void> {
  const started = performance.now();
  const graceMs = Math.min(options.graceMs, options.drainTimeoutMs);
  await wait(graceMs, options.endGrace);
  psr.stopAccepting();
  logger.info(
    { active_calls: psr.activeCalls, grace_ms: Math.round(performance.now() - started) },
    'new calls refused; live calls draining',
  );
  await callsEnded(psr, options.drainTimeoutMs - (performance.now() - started));
  if (psr.activeCalls > 0)
    logger.warn(
      { active_calls: psr.activeCalls, drain_timeout_ms: options.drainTimeoutMs },
      'drain limit reached: ending the live calls',
    );
  await psr.close();
}
