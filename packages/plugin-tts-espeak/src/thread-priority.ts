import { existsSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * How much nicer than the event loop the synthesis threads run (Linux nice steps): 3 gives
 * the loop about twice a thread's share of a contended core; 10 (a tenth) starved synthesis
 * on a busy machine into underruns of its own stream.
 */
const NICER_BY = 3;

/**
 * Lowers the calling thread's scheduling priority by {@link NICER_BY} nice steps, on Linux,
 * where each thread has its own nice value: on a core shared with the event loop, the
 * loop (every call's paced audio) then comes first and synthesis takes what is left.
 * Elsewhere (one nice value per process), or without /proc, it does nothing: synthesis
 * then competes with the event loop as an equal, which is still better than running on it.
 */
export function lowerThreadPriority(): void {
  if (process.platform !== 'linux' || !existsSync('/proc/thread-self')) return;
  // /proc/thread-self links to /proc/<pid>/task/<tid>: this thread's id.
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  setPriority(tid, Math.min(19, getPriority(tid) + NICER_BY));
}
