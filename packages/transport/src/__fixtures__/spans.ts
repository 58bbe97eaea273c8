// Spans as a collector would get them, for the tests of traces: a global tracer provider
// for the test file, recording into memory.
import { trace, type TracerProvider as Provider } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll } from 'vitest';

export function recordSpans() {
  const exporter = new InMemorySpanExporter();
  const recording = () =>
    new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  beforeAll(() => {
    trace.setGlobalTracerProvider(recording());
  });
  afterAll(() => trace.disable());
  return {
    exporter,
    /** The finished spans of that name, in the order they ended. */
    named: (name: string): ReadableSpan[] =>
      exporter.getFinishedSpans().filter((span) => span.name === name),
    /** Runs `work` with `provider` registered instead, then records again. */
    async withProvider<T>(provider: Provider, work: () => Promise<T>): Promise<T> {
      trace.disable();
      trace.setGlobalTracerProvider(provider);
      try {
        return await work();
      } finally {
        trace.disable();
        trace.setGlobalTracerProvider(recording());
      }
    },
  };
}
