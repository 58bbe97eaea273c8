import {
  type Context,
  context,
  diag,
  INVALID_SPAN_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Call, CallEvent, SentAction } from './call-types.js';
import { VERSION } from './version.js';

/**
 * Where a call's spans hang: the call span's context (parent for your own spans:
 * `tracer.startSpan('llm', {}, call.trace.context)`) and the attributes every span of the
 * call carries (`call_id`, `tenant`).
 */
export interface CallTrace {
  /** The OpenTelemetry context holding the call's span: pass it as a parent. */
  readonly context: Context;
  /** `call_id` and `tenant`, for spans of your own. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** One call's open spans: the call's own, and one per file or stream still playing. */
export interface CallSpans {
  readonly tracer: Tracer;
  readonly call: Call;
  readonly span: Span;
  /** The call span's context: every other span's parent. */
  readonly parent: Context;
  readonly attributes: Readonly<Record<string, string>>;
  /** Open `psr.playback` spans, by playback id. */
  readonly items: Map<string, Span>;
}

/** Tracing never fails a call: a throwing span processor is reported through OTel's `diag`. */
function guarded<A extends unknown[]>(work: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      work(...args);
    } catch (error) {
      diag.error('psrkit: tracing a call failed', error);
    }
  };
}

/**
 * Traces a call through `@opentelemetry/api` (no-op until the application registers a
 * tracer provider): a `psr.call` span from its start to its end (end reason, close code,
 * failures, chunks sent), a `psr.playback` span per file or stream (played and heard ms,
 * how it ended) and a `psr.action` span per `media`, `transfer` and `hangup` action —
 * chunks are counted on the call's span, not given spans of their own (one every 40–200 ms
 * would swamp a collector).
 */
export function traceCall(call: Call): CallTrace {
  const spans = openCallSpans(call);
  call.events$.subscribe({
    next: guarded((event) => traceEvent(spans, event)),
    complete: guarded(() => endCallSpans(spans)),
  });
  call.actionsSent$.subscribe(guarded((sent) => traceAction(spans, sent)));
  return { context: spans.parent, attributes: spans.attributes };
}

/** Starts a call's span (a no-op one if the provider throws). */
export function openCallSpans(call: Call): CallSpans {
  // Asked per call, not once at import: a provider registered later (or through another
  // copy of the API package) is then the one used.
  const tracer = trace.getTracer('@psrkit/transport', VERSION);
  const attributes = { call_id: call.id, tenant: call.tenant };
  let span: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT); // if the provider throws
  guarded(() => {
    span = tracer.startSpan('psr.call', { kind: SpanKind.SERVER, attributes });
  })();
  const parent = trace.setSpan(context.active(), span);
  return { tracer, call, span, parent, attributes, items: new Map() };
}

/** One call event on the spans: a playback starts or ends, the call connects, fails or closes. */
export function traceEvent(spans: CallSpans, event: CallEvent): void {
  const { span } = spans;
  switch (event.type) {
    case 'playback-start':
      startPlayback(spans, event.id, event.kind);
      return;
    case 'playback-end':
    case 'playback-interrupted':
      endPlayback(spans, event);
      return;
    case 'call-connected':
      span.setAttribute('psr.channel', event.channel);
      span.addEvent('connected');
      return;
    case 'bot-failed':
      span.recordException(event.error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
      return;
    case 'call-closed':
      span.setAttributes({
        'psr.end.reason': event.reason,
        'psr.end.code': event.code,
        'psr.duration_ms': Math.round(event.durationMs),
        'psr.chunks_sent': spans.call.stats.actionsSent.chunk,
      });
      return;
  }
}

function startPlayback(spans: CallSpans, id: string, kind: string): void {
  const { tracer, attributes, parent } = spans;
  const item = tracer.startSpan(
    'psr.playback',
    { attributes: { ...attributes, 'psr.playback.id': id, 'psr.playback.kind': kind } },
    parent,
  );
  spans.items.set(id, item);
}

function endPlayback(
  spans: CallSpans,
  event: Extract<CallEvent, { type: 'playback-end' | 'playback-interrupted' }>,
): void {
  const item = spans.items.get(event.id);
  if (!item) return;
  spans.items.delete(event.id);
  item.setAttributes({
    'psr.playback.played_ms': Math.round(event.playedMs),
    'psr.playback.outcome': event.type === 'playback-end' ? 'end' : event.reason,
    ...(event.type === 'playback-interrupted' && {
      'psr.playback.heard_ms': Math.round(event.heardMs),
    }),
  });
  if (event.type === 'playback-interrupted' && event.error)
    item.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
  item.end();
}

/** One action sent, as a span of its own: `media`, `transfer`, `hangup` (chunks are only counted). */
export function traceAction(spans: CallSpans, { action }: SentAction): void {
  if (action.type === 'chunk') return;
  spans.tracer
    .startSpan(
      'psr.action',
      {
        attributes: {
          ...spans.attributes,
          'psr.action': action.type,
          ...(action.type === 'media' && { 'psr.media.is_sync': action.isSync }),
          ...(action.type === 'transfer' && { 'psr.transfer.extension': action.extension }),
        },
      },
      spans.parent,
    )
    .end();
}

/** The call ended: its playback spans still open end, then its own. */
export function endCallSpans(spans: CallSpans): void {
  for (const item of spans.items.values()) item.end();
  spans.items.clear();
  spans.span.end();
}
