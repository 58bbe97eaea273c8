import type { Mp3EncoderBackendFactory, PlayoutTiming } from '@psrkit/pipeline';
import type { BotMeter, CallStats, PsrServer } from '@psrkit/transport';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The server's Prometheus metrics (`GET /metrics`). */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Observes one paced send's lateness (wire to the playout's `onPacingLag`). */
  observePacingLag(lateMs: number): void;
  /** Observes first-chunk latencies and barge-in cuts (wire to the playout's `onTiming`). */
  observeTiming(timing: PlayoutTiming): void;
  /** Wraps an MP3 backend so each encode and flush is timed. */
  timedMp3(backend: Mp3EncoderBackendFactory): Mp3EncoderBackendFactory;
  /**
   * Counts calls by outcome and answer verdicts (a bot's `answered_by` result field, as it
   * records it), and follows the server's totals.
   */
  watch(server: PsrServer): void;
  /**
   * Follows the WASM encoder's pool: streams served by a pooled instance (`pool`) or,
   * none being ready, by the fallback (`fallback`: lamejs, slower and heavier on GC).
   */
  watchWasmEncoder(stats: () => { readonly reused: number; readonly fallbacks: number }): void;
  /** Counts a call's recording by how it ended: `written`, `capped`, `failed`. */
  countRecording(outcome: 'written' | 'capped' | 'failed'): void;
  /** Counts a connection refused by a cap (`max-connections`, `per-address`, `rate`). */
  countRefusedConnection(reason: string): void;
  /**
   * Counts an operator request by what it was and how it ended: a call command
   * (`hangup`, `transfer`, `say`, or `invalid` for a body refused), a campaign command
   * (`campaign-create`, `campaign-pause`…) or `unauthorized`.
   */
  countAdminRequest(kind: string, status: number): void;
  /** The bot module's histograms (`psrkit_bot_*`). */
  readonly meter: BotMeter;
}

/** The result field answer detection records (`@psrkit/plugin-answer-detect`'s `answered_by`). */
const VERDICT_FIELD = 'answered_by';
/** Its values: anything else is counted as `other` (a label's values stay few). */
const VERDICTS: readonly string[] = ['human', 'voicemail', 'announcement', 'silence', 'unknown'];

/** What the metrics read at scrape time: the server once watched, the WASM pool's counts. */
interface ScrapeSources {
  server: PsrServer | undefined;
  wasmStats: (() => { readonly reused: number; readonly fallbacks: number }) | undefined;
}

/** Counters that mirror the transport's running totals, read at scrape time. */
function registerTransportTotals(registry: Registry, sources: ScrapeSources): void {
  const totals = (): CallStats | undefined => sources.server?.totals;
  const mirrored = (name: string, help: string, read: (t: CallStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const t = totals();
        if (!t) return;
        this.reset();
        this.inc(read(t));
      },
    });
  const mirroredBy = <K extends string>(
    name: string,
    help: string,
    label: string,
    read: (t: CallStats) => Partial<Record<K, number>>,
  ) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      collect() {
        const t = totals();
        if (!t) return;
        this.reset();
        for (const [key, value] of Object.entries(read(t)) as [K, number][])
          this.inc({ [label]: key }, value);
      },
    });
  mirrored('psrkit_inbound_frames_total', 'WebSocket frames received from PSR', (t) => t.framesIn);
  mirrored('psrkit_inbound_bytes_total', 'bytes received from PSR', (t) => t.bytesIn);
  mirrored('psrkit_outbound_bytes_total', 'bytes of actions sent to PSR', (t) => t.bytesOut);
  mirrored(
    'psrkit_barge_ins_total',
    'playback items stopped by an interruption',
    (t) => t.interruptions,
  );
  mirrored(
    'psrkit_timer_wakes_total',
    'times the shared playout timer fired',
    () => sources.server?.timers.wakes ?? 0,
  );
  mirrored(
    'psrkit_timer_runs_total',
    'timed playout actions run (paced sends, marks) by the shared timer',
    () => sources.server?.timers.runs ?? 0,
  );
  mirrored(
    'psrkit_backpressure_waits_total',
    'times playout waited for the socket buffer',
    (t) => t.backpressureWaits,
  );
  mirrored(
    'psrkit_unknown_events_total',
    'frames with an event this version does not know',
    (t) => t.unknownEvents,
  );
  mirroredBy(
    'psrkit_actions_sent_total',
    'actions sent to PSR, by event',
    'event',
    (t) => t.actionsSent,
  );
  mirroredBy(
    'psrkit_frame_errors_total',
    'refused inbound frames, by error code',
    'code',
    (t) => t.frameErrors,
  );
}

/** Gauges and counters read from the process at scrape time. */
function registerProcessGauges(registry: Registry, sources: ScrapeSources): void {
  // Tells workers apart (with --workers each scrape answers for one of them).
  new Gauge({
    name: 'psrkit_server_info',
    help: 'the process answering this scrape',
    labelNames: ['pid'],
    registers: [registry],
  }).set({ pid: String(process.pid) }, 1);
  new Gauge({
    name: 'psrkit_active_calls',
    help: 'calls in progress',
    registers: [registry],
    collect() {
      this.set(sources.server?.activeCalls ?? 0);
    },
  });
  new Counter({
    name: 'psrkit_mp3_wasm_streams_total',
    help: 'MP3 streams with --mp3-encoder wasm, by who encoded them: a pooled WASM instance (pool) or, none ready, the fallback (lamejs)',
    labelNames: ['encoder'],
    registers: [registry],
    collect() {
      const stats = sources.wasmStats?.();
      if (!stats) return;
      this.reset();
      this.inc({ encoder: 'pool' }, stats.reused);
      this.inc({ encoder: 'fallback' }, stats.fallbacks);
    },
  });
}

/** The counters the server's parts increment. */
function createCounters(registry: Registry) {
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const verdicts = counter(
    'psrkit_answer_verdicts_total',
    'who answered, as bots recorded it (the answered_by result field, once a call): human, voicemail, announcement, silence, unknown, or other for any other value',
    ['verdict'],
  );
  for (const verdict of VERDICTS) verdicts.inc({ verdict }, 0);
  return {
    refusedConnections: counter(
      'psrkit_connections_refused_total',
      'connections closed at once by a cap, by reason (max-connections, per-address, rate)',
      ['reason'],
    ),
    recordings: counter(
      'psrkit_recordings_total',
      'call recordings finished, by outcome (written, capped at the size limit, failed on a write error)',
      ['outcome'],
    ),
    verdicts,
    outcomes: counter('psrkit_calls_total', 'ended calls, by how they ended', ['outcome']),
    adminRequests: counter(
      'psrkit_admin_requests_total',
      'operator requests: call commands by command and HTTP status, refused bodies (invalid), campaign commands (campaign-create, campaign-start, campaign-pause, campaign-resume, campaign-cancel), requests without an admin token (unauthorized)',
      ['kind', 'status'],
    ),
  };
}

/** The latency histograms: fine buckets, the load benchmark reads percentiles from them. */
function createLatencies(registry: Registry) {
  const latency = (name: string, help: string, labelNames: string[] = []) =>
    new Histogram({
      name,
      help,
      labelNames,
      buckets: [
        0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3,
        0.4, 0.5, 0.75, 1,
      ],
      registers: [registry],
    });
  return {
    pacingLag: latency(
      'psrkit_pacing_send_lag_seconds',
      'how late paced chunk sends ran after they were due',
    ),
    firstChunk: latency(
      'psrkit_first_chunk_seconds',
      'a stream started on an idle line: its first PCM piece → its first chunk written (part="total"), or the piece that completed the chunk → written (part="processing")',
      ['part'],
    ),
    interruptStop: latency(
      'psrkit_barge_in_stop_seconds',
      'an interruption → the stream stopped and its last (fade) chunk written',
    ),
    staleAudio: latency(
      'psrkit_barge_in_stale_audio_seconds',
      'audio the caller still hears after an interruption (sent ahead, held in the encoder, fade)',
    ),
    encodeTime: new Histogram({
      name: 'psrkit_mp3_encode_seconds',
      help: 'CPU time of one MP3 encode (or flush) call',
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01],
      registers: [registry],
    }),
  };
}

/** An MP3 backend whose every encode and flush is timed into `encodeTime`. */
function timedMp3Backend(
  factory: Mp3EncoderBackendFactory,
  encodeTime: Histogram,
): Mp3EncoderBackendFactory {
  return (options) => {
    const backend = factory(options);
    // Thousands of encodes a second at load: a clock read and one observation each
    // (prom-client's startTimer allocates a closure and a label object per call).
    const timed = <T>(work: () => T): T => {
      const started = performance.now();
      try {
        return work();
      } finally {
        encodeTime.observe((performance.now() - started) / 1000);
      }
    };
    return {
      delaySamples: backend.delaySamples,
      encode: (samples) => timed(() => backend.encode(samples)),
      flush: () => timed(() => backend.flush()),
      close: () => backend.close(),
    };
  };
}

/** Counts ended calls by outcome, and each call's answer verdict once. */
function watchCalls(target: PsrServer, counters: ReturnType<typeof createCounters>): void {
  target.on('call-closed', (_call, end) => counters.outcomes.inc({ outcome: end.reason }));
  target.on('call-open', (call) => {
    const recorded = call.events$.subscribe((event) => {
      const verdict = event.type === 'result-set' ? event.fields[VERDICT_FIELD] : undefined;
      if (verdict === undefined) return;
      counters.verdicts.inc({ verdict: VERDICTS.includes(verdict) ? verdict : 'other' });
      recorded.unsubscribe(); // once a call
    });
  });
}

/** The server's metrics on a registry of their own, with the process's default ones. */
export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({
    register: registry,
    prefix: 'psrkit_',
    eventLoopMonitoringPrecision: 10,
  });
  const sources: ScrapeSources = { server: undefined, wasmStats: undefined };
  registerTransportTotals(registry, sources);
  registerProcessGauges(registry, sources);
  const counters = createCounters(registry);
  const latencies = createLatencies(registry);
  return {
    registry,
    meter: {
      histogram: (name, help, buckets) =>
        new Histogram({
          name: `psrkit_bot_${name}`,
          help,
          buckets: [...buckets],
          registers: [registry],
        }),
    },
    countRecording: (outcome) => counters.recordings.inc({ outcome }),
    countRefusedConnection: (reason) => counters.refusedConnections.inc({ reason }),
    countAdminRequest: (kind, status) =>
      counters.adminRequests.inc({ kind, status: String(status) }),
    observePacingLag: (lateMs) => latencies.pacingLag.observe(lateMs / 1000),
    observeTiming(timing) {
      if (timing.type === 'first-chunk') {
        latencies.firstChunk.observe({ part: 'total' }, timing.sinceFirstPcmMs / 1000);
        latencies.firstChunk.observe({ part: 'processing' }, timing.processingMs / 1000);
      } else {
        latencies.interruptStop.observe(timing.stopMs / 1000);
        latencies.staleAudio.observe(timing.staleMs / 1000);
      }
    },
    timedMp3: (factory) => timedMp3Backend(factory, latencies.encodeTime),
    watchWasmEncoder(read) {
      sources.wasmStats = read;
    },
    watch(target) {
      sources.server = target;
      watchCalls(target, counters);
    },
  };
}
