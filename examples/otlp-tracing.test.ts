// The README's tracing recipe, end to end: the reference server loaded with
// otlp-tracing.mjs sends the call's spans to a local receiver speaking OTLP/HTTP (JSON),
// as a collector would get them.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { json } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { loadCallerAudio, placeCall } from '@psrkit/simulator';
import { expect, it } from 'vitest';
import { spawnServer } from '../apps/server/src/__fixtures__/spawn-server.js';

interface OtlpValue {
  readonly stringValue?: string;
  readonly intValue?: string | number;
  readonly boolValue?: boolean;
}
interface OtlpSpan {
  readonly name: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly attributes: readonly { readonly key: string; readonly value: OtlpValue }[];
}
interface OtlpExport {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: OtlpSpan['attributes'] };
    readonly scopeSpans: readonly { readonly spans: readonly OtlpSpan[] }[];
  }[];
}
const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.intValue ?? value?.boolValue;
};

it('psrkit-server --import otlp-tracing.mjs: the call, its turns, playback and actions reach an OTLP collector', async () => {
  const exports: OtlpExport[] = [];
  const collector = createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/v1/traces')
      exports.push((await json(req)) as OtlpExport);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  const server = await spawnServer([], {
    nodeArgs: ['--import', fileURLToPath(new URL('otlp-tracing.mjs', import.meta.url))],
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: 'psrkit-test',
      DEMO_VAD: 'webrtc',
    },
  });
  try {
    const hello = await loadCallerAudio(
      fileURLToPath(import.meta.resolve('@psrkit/simulator/samples/hello.wav')),
    );
    // The call lasts until the bot has done what the spans are about — its greeting (a
    // `media` action and a playback), and its answer to the caller's turn — however long
    // that takes on a busy machine; then the caller hangs up.
    const hangUp = new AbortController();
    let greeted = false;
    const report = await placeCall({
      url: server.url,
      callId: 'traced-call',
      tenant: 'acme',
      caller: [{ atMs: 1000, samples: hello }],
      tailMs: 40_000,
      signal: hangUp.signal,
      onTimeline: (entry) => {
        if (entry.kind === 'action' && entry.type === 'media') greeted = true;
        if (greeted && entry.kind === 'bot-audio' && entry.source === 'stream') hangUp.abort();
      },
    });
    expect(report.utterances.length).toBeGreaterThan(0);
    server.process.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  } finally {
    await server.stop();
    await new Promise((resolve) => collector.close(resolve));
  }
  const resources = exports.flatMap((e) => e.resourceSpans);
  expect(
    resources.every((r) =>
      r.resource.attributes.some(
        (a) => a.key === 'service.name' && a.value.stringValue === 'psrkit-test',
      ),
    ),
  ).toBe(true);
  const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  const [call] = spans.filter((s) => s.name === 'psr.call');
  expect(call).toBeDefined();
  expect([attribute(call!, 'call_id'), attribute(call!, 'tenant')]).toEqual([
    'traced-call',
    'acme',
  ]);
  const children = spans.filter((s) => s.parentSpanId === call!.spanId);
  const names = new Set(children.map((s) => s.name));
  expect([...names].sort()).toEqual(['psr.action', 'psr.caller_turn', 'psr.playback']);
  for (const span of children) expect(attribute(span, 'call_id')).toBe('traced-call');
});
