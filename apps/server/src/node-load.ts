// A node's load — its live calls, the CPU its process used and how late its event loop
// ran over the last interval — and whether it is ready for more calls: what `/readyz`
// answers and what a directory shared by many nodes publishes for each of them.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** What one process measured over its last interval (or, combined, a node of `--workers`). */
export interface LoadSample {
  /** Live calls, counted when the sample was read. */
  readonly calls: number;
  /**
   * The share of one core the process used over the last interval (0.5: half a core);
   * with `--workers`, the busiest process's.
   */
  readonly cpu: number;
  /** How late the event loop ran over the last interval (its p99, ms); the worst process's. */
  readonly eventLoopLagMs: number;
  /** Epoch ms when it was read. */
  readonly at: number;
}

/** Above these a node says it is not ready, so that a load balancer sends calls elsewhere. */
export interface LoadThresholds {
  /** Ready while `cpu` is below this share of one core (`--ready-max-cpu`). */
  readonly maxCpu: number;
  /** Ready while the event-loop lag p99 is below this, ms (`--ready-max-lag-ms`). */
  readonly maxEventLoopLagMs: number;
  /** Ready while fewer calls than this are live (`--ready-max-calls`); none: no such cap. */
  readonly maxCalls?: number;
}

/**
 * The thresholds without `--ready-max-*`: below where `pnpm bench:load` found a node's
 * callers begin to hear underruns (docs/deploy.md gives the figures).
 */
export const READY_DEFAULTS = { maxCpu: 0.7, maxEventLoopLagMs: 40 } as const;

/** A figure over its threshold. */
export type Overload = 'calls' | 'cpu' | 'event-loop-lag';

/** Why a node is not ready. */
export type NotReadyReason = 'warming-up' | 'draining' | 'overloaded';

/** A node's load and what it means: ready for more calls, or why not. */
export type NodeLoad = LoadSample &
  (
    | { readonly ready: true }
    | {
        readonly ready: false;
        readonly reason: NotReadyReason;
        /** With `overloaded`: the figures over their thresholds. */
        readonly over?: readonly Overload[];
      }
  );

/** Where a node is in its life, as far as taking calls goes. */
export type NodePhase = 'warming-up' | 'serving' | 'draining';

/** How often a process measures its CPU and event-loop lag. */
export const LOAD_INTERVAL_MS = 2000;

/** The resolution of the event-loop monitor, ms: what it reports on an idle loop. */
const MONITOR_RESOLUTION_MS = 10;

/**
 * The figures of `sample` over `thresholds`, in a fixed order. Strictly above for CPU and
 * lag; for calls, at the cap already (the next call would pass it).
 */
export function overloads(sample: LoadSample, thresholds: LoadThresholds): Overload[] {
  const over: Overload[] = [];
  if (thresholds.maxCalls !== undefined && sample.calls >= thresholds.maxCalls) over.push('calls');
  if (sample.cpu > thresholds.maxCpu) over.push('cpu');
  if (sample.eventLoopLagMs > thresholds.maxEventLoopLagMs) over.push('event-loop-lag');
  return over;
}

/** Whether a node in `phase` with `sample` is ready for more calls, and why not. */
export function judgeLoad(
  sample: LoadSample,
  thresholds: LoadThresholds,
  phase: NodePhase,
): NodeLoad {
  if (phase !== 'serving') return { ...sample, ready: false, reason: phase };
  const over = overloads(sample, thresholds);
  return over.length > 0
    ? { ...sample, ready: false, reason: 'overloaded', over }
    : { ...sample, ready: true };
}

/**
 * One node's sample from its processes' (`--workers`): calls summed, CPU and lag the
 * busiest's (a call on an overloaded process suffers whatever its siblings do), the
 * oldest time. None: an idle node at `now`.
 */
export function combineSamples(samples: readonly LoadSample[], now = Date.now()): LoadSample {
  if (samples.length === 0) return { calls: 0, cpu: 0, eventLoopLagMs: 0, at: now };
  return {
    calls: samples.reduce((sum, s) => sum + s.calls, 0),
    cpu: Math.max(...samples.map((s) => s.cpu)),
    eventLoopLagMs: Math.max(...samples.map((s) => s.eventLoopLagMs)),
    at: Math.min(...samples.map((s) => s.at)),
  };
}

/** This process's load: {@link createLoadMeter}. */
export interface LoadMeter {
  /** The live calls now, with the CPU and lag of the last whole interval. */
  sample(): LoadSample;
  /** Forgets what was measured and starts a fresh interval (after a warm-up's burst). */
  restart(): void;
  /** Stops measuring. */
  stop(): void;
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/**
 * Measures this process every `intervalMs`: the CPU it used (user and system time over
 * wall time) and its event loop's delay p99 (`perf_hooks`, less the monitor's own 10 ms
 * resolution), and hands `onMeasured` each new sample. Its timer does not keep the
 * process alive.
 */
export function createLoadMeter(
  calls: () => number,
  intervalMs: number = LOAD_INTERVAL_MS,
  onMeasured?: (sample: LoadSample) => void,
): LoadMeter {
  const delay = monitorEventLoopDelay({ resolution: MONITOR_RESOLUTION_MS });
  delay.enable();
  let cpuAt = process.cpuUsage();
  let wallAt = performance.now();
  let figures = { cpu: 0, eventLoopLagMs: 0 };
  const startWindow = () => {
    cpuAt = process.cpuUsage();
    wallAt = performance.now();
    delay.reset();
  };
  const measure = () => {
    const used = process.cpuUsage(cpuAt);
    const wall = performance.now() - wallAt;
    const lagNs = delay.count > 0 ? delay.percentile(99) : 0;
    startWindow();
    figures = {
      cpu: round((used.user + used.system) / 1000 / Math.max(1, wall), 3),
      eventLoopLagMs: round(Math.max(0, lagNs / 1e6 - MONITOR_RESOLUTION_MS), 1),
    };
  };
  const sample = () => ({ calls: calls(), ...figures, at: Date.now() });
  const tick = () => {
    measure();
    onMeasured?.(sample());
  };
  let timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    sample,
    restart() {
      clearInterval(timer);
      startWindow();
      figures = { cpu: 0, eventLoopLagMs: 0 };
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      delay.disable();
    },
  };
}

/** The other processes of this node (`--workers`): what they last measured, and a way to tell them. */
export interface SiblingLoads {
  /** Their last samples. */
  others(): readonly LoadSample[];
  /** Tells them this process's sample and phase (once an interval). */
  tell(sample: LoadSample, phase: NodePhase): void;
}

/** A node's phase and load, as `/readyz` answers: {@link createNodeStatus}. */
export interface NodeStatus {
  /** This node's load now (its siblings' included), judged. */
  load(): NodeLoad;
  readonly phase: NodePhase;
  /** From warming up to serving, or to draining (never back). */
  enter(phase: 'serving' | 'draining'): void;
  stop(): void;
}

/**
 * Measures this process (see {@link createLoadMeter}) and judges the node — this process
 * and its `siblings` — against `thresholds` in its phase, which starts at `warming-up`.
 */
export function createNodeStatus(options: {
  readonly calls: () => number;
  readonly thresholds: LoadThresholds;
  readonly siblings?: SiblingLoads;
  readonly intervalMs?: number;
}): NodeStatus {
  const { siblings, thresholds } = options;
  let phase: NodePhase = 'warming-up';
  const meter = createLoadMeter(options.calls, options.intervalMs, (sample) =>
    siblings?.tell(sample, phase),
  );
  return {
    load: () =>
      judgeLoad(combineSamples([meter.sample(), ...(siblings?.others() ?? [])]), thresholds, phase),
    get phase() {
      return phase;
    },
    enter(next) {
      if (phase === 'draining') return;
      // The warm-up's own work is not the load the node starts serving under.
      if (phase === 'warming-up' && next === 'serving') meter.restart();
      phase = next;
      siblings?.tell(meter.sample(), phase);
    },
    stop: () => meter.stop(),
  };
}
