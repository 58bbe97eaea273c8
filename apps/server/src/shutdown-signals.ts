// SIGTERM and SIGINT, heard for the life of the process: the first starts the shutdown,
// a SIGINT (Ctrl-C, or an impatient operator after SIGTERM) ends its grace, and no later
// signal kills the process mid-drain (a process group's signal reaches a worker twice:
// from systemd or `docker stop`, then from its primary).
import type { ShutdownOptions } from './reference-server.js';

/** The signals a server stops on: {@link watchShutdownSignals}. */
export interface ShutdownSignals {
  /** The first SIGTERM or SIGINT. */
  readonly first: Promise<NodeJS.Signals>;
  /** Aborted by a SIGINT (the first signal or a later one). */
  readonly interrupted: AbortSignal;
  /** The shutdown the first signal asks for: SIGTERM drains after a grace, SIGINT without. */
  shutdownOptions(first: NodeJS.Signals, graceMs: number): ShutdownOptions;
}

/** Listens for SIGTERM and SIGINT from now on (a handler stays: no signal kills the process). */
export function watchShutdownSignals(): ShutdownSignals {
  const interrupt = new AbortController();
  const first = new Promise<NodeJS.Signals>((resolve) => {
    process.on('SIGTERM', () => resolve('SIGTERM'));
    process.on('SIGINT', () => {
      interrupt.abort();
      resolve('SIGINT');
    });
  });
  return {
    first,
    interrupted: interrupt.signal,
    shutdownOptions: (signal, graceMs) => ({
      graceMs: signal === 'SIGTERM' ? graceMs : 0,
      endGrace: interrupt.signal,
    }),
  };
}
