// Under `--workers`, a node is all its processes: each worker tells the primary its load
// every interval, and the primary tells every worker its siblings', so that whichever
// worker answers `/readyz` judges the whole node (and the primary knows it too).
import type { Cluster, Worker } from 'node:cluster';
import { postToPrimary, postToWorker } from './cluster-post.js';
import {
  combineSamples,
  judgeLoad,
  type LoadSample,
  type LoadThresholds,
  type NodeLoad,
  type NodePhase,
  type SiblingLoads,
} from './node-load.js';

type ToPrimary = { readonly op: 'load'; readonly sample: LoadSample; readonly phase: NodePhase };
type ToWorker = {
  readonly op: 'loads';
  readonly loads: readonly { readonly worker: number; readonly sample: LoadSample }[];
};
type Envelope<T> = { readonly psrkitLoad: T };

const isEnvelope = <T>(message: unknown): message is Envelope<T> =>
  typeof message === 'object' && message !== null && 'psrkitLoad' in message;

/** The primary's view of its node: {@link hostNodeLoads}. */
export interface NodeLoads {
  /** The node's load: every worker's, combined, judged as a whole. */
  load(): NodeLoad;
  stop(): void;
}

/**
 * The phase of a node whose workers are in `phases`: serving while one serves, draining
 * once every one drains, else (none has reported yet, or all warm up) warming up.
 */
function nodePhase(phases: readonly NodePhase[]): NodePhase {
  if (phases.includes('serving')) return 'serving';
  return phases.length > 0 && phases.every((p) => p === 'draining') ? 'draining' : 'warming-up';
}

/**
 * The primary's side: keeps each worker's last load, passes every report on to every
 * worker, and forgets a worker that exits.
 */
export function hostNodeLoads(cluster: Cluster, thresholds: LoadThresholds): NodeLoads {
  const loads = new Map<number, { sample: LoadSample; phase: NodePhase }>();
  const broadcast = () => {
    const message: Envelope<ToWorker> = {
      psrkitLoad: {
        op: 'loads',
        loads: [...loads].map(([worker, { sample }]) => ({ worker, sample })),
      },
    };
    for (const worker of Object.values(cluster.workers ?? {})) postToWorker(worker, message);
  };
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isEnvelope<ToPrimary>(message) || message.psrkitLoad.op !== 'load') return;
    loads.set(worker.id, { sample: message.psrkitLoad.sample, phase: message.psrkitLoad.phase });
    broadcast();
  };
  const onExit = (worker: Worker) => {
    if (loads.delete(worker.id)) broadcast();
  };
  cluster.on('message', onMessage);
  cluster.on('exit', onExit);
  return {
    load() {
      const reports = [...loads.values()];
      return judgeLoad(
        combineSamples(reports.map((r) => r.sample)),
        thresholds,
        nodePhase(reports.map((r) => r.phase)),
      );
    },
    stop() {
      cluster.off('message', onMessage);
      cluster.off('exit', onExit);
    },
  };
}

/**
 * A worker's side: tells the primary its load, and keeps its siblings' (every worker's
 * but its own) as the primary passes them on.
 */
export function shareWorkerLoads(
  workerId: number,
  channel: Pick<NodeJS.Process, 'send' | 'on' | 'off' | 'connected'> = process,
): SiblingLoads & { close(): void } {
  let siblings: readonly LoadSample[] = [];
  const onMessage = (message: unknown) => {
    if (!isEnvelope<ToWorker>(message) || message.psrkitLoad.op !== 'loads') return;
    siblings = message.psrkitLoad.loads.filter((l) => l.worker !== workerId).map((l) => l.sample);
  };
  channel.on('message', onMessage);
  return {
    others: () => siblings,
    tell(sample, phase) {
      // A worker whose primary is gone (or going) has nobody to tell.
      postToPrimary(channel, {
        psrkitLoad: { op: 'load', sample, phase },
      } satisfies Envelope<ToPrimary>);
    },
    close() {
      channel.off('message', onMessage);
    },
  };
}
