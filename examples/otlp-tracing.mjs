// Sends psrkit's traces to an OpenTelemetry collector over OTLP/HTTP. Load it before the
// server: node --import ./otlp-tracing.mjs node_modules/@psrkit/server/dist/bin.js …
// The collector's address comes from OTEL_EXPORTER_OTLP_ENDPOINT (default
// http://localhost:4318), the service's name from OTEL_SERVICE_NAME.
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const provider = new TracerProvider({
  resource: resourceFromAttributes({
    'service.name': process.env.OTEL_SERVICE_NAME ?? 'psrkit-server',
  }),
  spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
});
trace.setGlobalTracerProvider(provider);
// The server drains its calls on SIGTERM and then lets the process end: the spans still
// buffered go out before it does.
process.once('beforeExit', () => void provider.shutdown());
