import { type Attributes, type Context, diag, type Span, trace } from '@opentelemetry/api';
import { type MonoTypeOperatorFunction, tap } from 'rxjs';
import type { SuspicionEvent, TurnEvent } from './detect-turns.js';

/** Where turn spans hang: a call's `call.trace` (`@psrkit/transport`) fits. */
export interface TurnTrace {
  /** The parent's context (the call's span). */
  readonly context: Context;
  /** Attributes every turn span carries (`call_id`, `tenant`). */
  readonly attributes?: Attributes;
}

/**
 * A `psr.caller_turn` span per turn, through `@opentelemetry/api` (no-op until a tracer
 * provider is registered): from `speech-start` to `speech-end`, with the turn's times on
 * the call's clock and why it ended, under the call's span. The events pass unchanged
 * (suspicions too, untraced); tracing never fails the stream.
 */
export function traceTurns<T extends TurnEvent | SuspicionEvent = TurnEvent>(
  parent: TurnTrace,
): MonoTypeOperatorFunction<T> {
  return (source) => {
    let open: Span | undefined;
    const guarded = (work: () => void) => {
      try {
        work();
      } catch (error) {
        diag.error('psrkit: tracing a turn failed', error);
      }
    };
    return source.pipe(
      tap({
        next: (event) =>
          guarded(() => {
            if (event.type === 'speech-start') {
              open?.end();
              open = trace.getTracer('@psrkit/plugin-vad').startSpan(
                'psr.caller_turn',
                {
                  attributes: {
                    ...parent.attributes,
                    'psr.turn.start_ms': Math.round(event.atMs),
                  },
                },
                parent.context,
              );
              return;
            }
            if (event.type !== 'speech-end') return;
            open?.setAttributes({
              'psr.turn.start_ms': Math.round(event.startMs),
              'psr.turn.end_ms': Math.round(event.atMs),
              'psr.turn.end_reason': event.reason,
            });
            open?.end();
            open = undefined;
          }),
        finalize: () => guarded(() => open?.end()),
      }),
    );
  };
}
