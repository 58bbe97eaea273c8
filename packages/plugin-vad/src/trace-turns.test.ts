import { context, trace } from '@opentelemetry/api';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { recordSpans } from '../../transport/src/__fixtures__/spans.js';
import { callerRecording, framesOf } from './__fixtures__/caller.js';
import { detectTurns, type TurnEvent } from './detect-turns.js';
import { loadWebRtcVad } from './webrtc-vad.js';

const spans = recordSpans();

describe('traceTurns (detectTurns({ trace }))', () => {
  it('a psr.caller_turn span per turn, under the given parent, with the turn on the call clock', async () => {
    const openVad = await loadWebRtcVad();
    const call = trace.getTracer('test').startSpan('psr.call');
    const parent = {
      context: trace.setSpan(context.active(), call),
      attributes: { call_id: 'c-1', tenant: 'acme' },
    };
    const events = await lastValueFrom(
      from(framesOf(callerRecording())).pipe(detectTurns({ openVad, trace: parent }), toArray()),
    );
    call.end();
    const ends = events.filter(
      (e): e is Extract<TurnEvent, { type: 'speech-end' }> => e.type === 'speech-end',
    );
    const turns = spans.named('psr.caller_turn');
    expect(turns).toHaveLength(3);
    turns.forEach((span, i) => {
      expect(span.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
      expect(span.attributes).toEqual({
        call_id: 'c-1',
        tenant: 'acme',
        'psr.turn.start_ms': Math.round(ends[i]!.startMs),
        'psr.turn.end_ms': Math.round(ends[i]!.atMs),
        'psr.turn.end_reason': ends[i]!.reason,
      });
    });
  });
});
