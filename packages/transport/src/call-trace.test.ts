import { trace } from '@opentelemetry/api';
import { type ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import { of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { callIn, closeServers, serve, until } from './__fixtures__/loopback.js';
import { recordSpans } from './__fixtures__/spans.js';
import type { Call } from './call-types.js';

const spans = recordSpans();
const named = spans.named;
afterEach(async () => {
  await closeServers();
  spans.exporter.reset();
});

const tone = (ms: number) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
/** PSR's side: hangs up once the bot transferred or hung up. */
async function callUntilTheBotEnds(server: Awaited<ReturnType<typeof serve>>, callId: string) {
  const { psr, received } = await callIn(server, { callId, tenant: 'acme' });
  const ended = () =>
    received.some((r) => r.ok && (r.action.type === 'transfer' || r.action.type === 'hangup'));
  await until(ended);
  await psr.close();
}

describe('call traces (OpenTelemetry)', () => {
  it('a span for the call, each playback item and each action, all under the call, with call_id and tenant', async () => {
    let traced: Call | undefined;
    const server = await serve(async (call) => {
      traced = call;
      await call.play({ sampleRate: 8000, channels: 1, samples: tone(200) }).done;
      await call.stream(of(tone(600)), { sampleRate: 8000, id: 'answer' }).done;
      // The bot's own span, parented on the call's.
      trace
        .getTracer('bot')
        .startSpan('llm', { attributes: call.trace.attributes }, call.trace.context)
        .end();
      call.transfer('101');
    });
    await callUntilTheBotEnds(server, 'traced-1');
    await until(() => named('psr.call').length === 1);

    const [call] = named('psr.call');
    expect(call!.attributes).toMatchObject({
      call_id: 'traced-1',
      tenant: 'acme',
      'psr.channel': 'mono_a',
      'psr.end.reason': 'transfer',
    });
    expect(call!.events.map((e) => e.name)).toContain('connected');
    const id = call!.spanContext().spanId;

    const playback = named('psr.playback');
    expect(playback.map((s) => s.attributes['psr.playback.kind'])).toEqual(['file', 'stream']);
    for (const span of playback) {
      expect(parentOf(span)).toBe(id);
      expect(span.attributes).toMatchObject({ call_id: 'traced-1', tenant: 'acme' });
      expect(span.attributes['psr.playback.outcome']).toBe('end');
    }
    const stream = playback[1]!;
    expect(stream.attributes['psr.playback.id']).toBe('answer');
    expect(call!.attributes['psr.chunks_sent']).toBe(traced!.stats.actionsSent.chunk);
    expect(traced!.stats.actionsSent.chunk).toBeGreaterThan(0);

    const actions = named('psr.action');
    expect(actions.map((s) => s.attributes['psr.action'])).toEqual(['media', 'transfer']);
    expect(actions[0]!.attributes['psr.media.is_sync']).toBe(true);
    expect(actions[1]!.attributes['psr.transfer.extension']).toBe('101');
    for (const span of actions) expect(parentOf(span)).toBe(id);
    expect(parentOf(named('llm')[0]!)).toBe(id);
  });

  it('an interrupted item says what was heard; a failing bot marks the call span as an error', async () => {
    const server = await serve(async (call) => {
      call.stream(of(tone(3000)), { sampleRate: 8000 });
      await new Promise((r) => setTimeout(r, 300));
      call.interrupt();
      throw new Error('the model went away');
    });
    await callUntilTheBotEnds(server, 'traced-2');
    await until(() => named('psr.call').length === 1);
    const [item] = named('psr.playback');
    expect(item!.attributes['psr.playback.outcome']).toBe('interrupted');
    expect(item!.attributes['psr.playback.heard_ms']).toEqual(expect.any(Number));
    const [call] = named('psr.call');
    expect(call!.status).toMatchObject({ code: 2, message: 'the model went away' });
    expect(call!.events.map((e) => e.name)).toContain('exception');
  });

  it('a span processor that throws never fails the call', async () => {
    const throwing = {
      onStart() {
        throw new Error('processor broke');
      },
      onEnd() {
        throw new Error('processor broke');
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const outcome = await spans.withProvider(
      new TracerProvider({ spanProcessors: [throwing] }),
      async () => {
        let heard: unknown;
        const server = await serve(async (call) => {
          heard = await call.play({ sampleRate: 8000, channels: 1, samples: tone(100) }).done;
          call.hangup();
        });
        await callUntilTheBotEnds(server, 'traced-3');
        return heard;
      },
    );
    expect(outcome).toMatchObject({ type: 'playback-end' });
  });
});
