import type { StatsUpdate } from './call-stats.js';
import type { CallEvent } from './call-types.js';
import { type FrameErrorCode, TransportError } from './errors.js';
import { logText, warningBudget } from './log-text.js';
import type { TransportLogger } from './logger.js';

/** Distinct extra field names a call reports before it stops reporting new ones. */
const MAX_REPORTED_FIELDS = 256;

/** Where one call reports what its peer sent wrong. */
export interface PeerReportPorts {
  readonly callId: string;
  readonly logger: TransportLogger;
  /** Counts a change in the call's stats and the server's totals. */
  readonly count: (update: StatsUpdate) => void;
  readonly emit: (event: CallEvent) => void;
}

/**
 * What one call says about its peer's mistakes: refused frames (typed, counted, reported as
 * `frame-error`), fields it does not read (each name once, up to a cap), and warnings
 * within a budget, so a peer sending thousands of bad frames gets a few log lines. A
 * class: the budget and the names reported so far are its state, bounded, per call.
 */
export class PeerReports {
  /** Extra field names reported so far (each once), up to a cap: a peer cannot grow it for ever. */
  private readonly reportedFields = new Set<string>();
  private readonly warnings = warningBudget();

  constructor(private readonly ports: PeerReportPorts) {}

  /** Logs a warning about what the peer sent, unless this call has used its budget. */
  warn(fields: Record<string, unknown>, message: string): void {
    const { log, suppressed } = this.warnings.take();
    if (log) this.ports.logger.warn(suppressed > 0 ? { ...fields, suppressed } : fields, message);
  }

  /** One frame (or parameter) refused: a typed error, counted, warned about, reported. */
  refuse(
    code: FrameErrorCode,
    message: string,
    data: string | Uint8Array,
    path?: string,
    cause?: unknown,
  ): void {
    const error = new TransportError(code, message, {
      callId: this.ports.callId,
      ...(path !== undefined && { path }),
      ...(cause !== undefined && { cause }),
    });
    this.ports.count((s) => {
      s.frameErrors[code] = (s.frameErrors[code] ?? 0) + 1;
    });
    const excerpt =
      typeof data === 'string' ? logText(data) : Buffer.from(data.subarray(0, 60)).toString('hex');
    this.warn({ code, path, message: logText(message, 200), excerpt }, 'frame refused');
    this.ports.emit({ type: 'frame-error', error, excerpt, bytes: data.length });
  }

  /** Reports field names PSR sent that this version does not read, each once. */
  extraFields(type: string, paths: readonly string[]): void {
    const reported = this.reportedFields;
    if (reported.size >= MAX_REPORTED_FIELDS) return;
    const fresh = paths.filter((path) => {
      const key = `${type} ${path}`;
      if (reported.has(key) || reported.size >= MAX_REPORTED_FIELDS) return false;
      reported.add(key);
      return true;
    });
    if (fresh.length === 0) return;
    this.warn(
      {
        event: type,
        fields: fresh.slice(0, 10).map((path) => logText(path)),
        ...(fresh.length > 10 && { more: fresh.length - 10 }),
        ...(reported.size >= MAX_REPORTED_FIELDS && { no_more_reported: true }),
      },
      'fields ignored',
    );
    this.ports.emit({ type: 'fields-ignored', event: type, fields: fresh });
  }
}
