import {
  type Context,
  context,
  diag,
  INVALID_SPAN_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

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

/**
 * Traces a call through `@opentelemetry/api` (no-op until the application registers a
 * tracer provider): a `psr.call` span from its start to its end (end reason, close code,
 * failures, chunks sent), a `psr.playback` span per file or stream (played and heard ms,
 * how it ended) and a `psr.action` span per `media`, `transfer` and `hangup` action —
 * chunks are counted on the call's span, not given spans of their own (one every 40–200 ms
 * would swamp a collector).
 */
export function traceCall(call: Call): CallTrace {
  // Asked per call, not once at import: a provider registered later (or through another
  // copy of the API package) is then the one used.
  const tracer = trace.getTracer('@psrkit/transport', VERSION);
  const attributes = { call_id: call.id, tenant: call.tenant };
  let span: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT); // if the provider throws
  guarded(() => {
    span = tracer.startSpan('psr.call', { kind: SpanKind.SERVER, attributes });
  })();
  const parent = trace.setSpan(context.active(), span);
  const items = new Map<string, Span>();

  const onEvent = (event: CallEvent) => {
    switch (event.type) {
      case 'playback-start':
        items.set(
          event.id,
          tracer.startSpan(
            'psr.playback',
            {
              attributes: {
                ...attributes,
                'psr.playback.id': event.id,
                'psr.playback.kind': event.kind,
              },
            },
            parent,
          ),
        );
        return;
      case 'playback-end':
      case 'playback-interrupted': {
        const item = items.get(event.id);
        if (!item) return;
        items.delete(event.id);
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
        return;
      }
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
          'psr.chunks_sent': call.stats.actionsSent.chunk,
        });
        return;
    }
  };
  const onAction = ({ action }: SentAction) => {
    if (action.type === 'chunk') return;
    tracer
      .startSpan(
        'psr.action',
        {
          attributes: {
            ...attributes,
            'psr.action': action.type,
            ...(action.type === 'media' && { 'psr.media.is_sync': action.isSync }),
            ...(action.type === 'transfer' && { 'psr.transfer.extension': action.extension }),
          },
        },
        parent,
      )
      .end();
  };
  call.events$.subscribe({
    next: guarded(onEvent),
    complete: guarded(() => {
      for (const item of items.values()) item.end();
      items.clear();
      span.end();
    }),
  });
  call.actionsSent$.subscribe(guarded(onAction));
  return { context: parent, attributes };
}
