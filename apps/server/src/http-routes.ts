import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerTokenCheck, type PsrServer } from '@psrkit/transport';
import type { Registry } from 'prom-client';

/**
 * `GET /healthz` (alive), `GET /readyz` (warm and accepting calls), `GET /metrics`
 * (Prometheus). `warm()` is false until the hot paths have run (see `warmUp`). With
 * `metricsToken`, /readyz and /metrics answer 401 without `Authorization: Bearer <token>`
 * (/healthz stays open: it says only that the process is alive).
 */
export function healthRoutes(
  psr: () => PsrServer | undefined,
  registry: Registry,
  warm: () => boolean = () => true,
  metricsToken?: string,
) {
  const authorized = metricsToken ? bearerTokenCheck([metricsToken]) : () => true;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n');
    if ((path === '/readyz' || path === '/metrics') && !authorized(req)) {
      res.setHeader('www-authenticate', 'Bearer');
      return reply(401, 'a metrics token is needed (Authorization: Bearer)\n');
    }
    switch (path) {
      case '/healthz':
        return reply(200, 'ok\n');
      case '/readyz': {
        const server = psr();
        if (server?.isAccepting === true && !warm()) return reply(503, 'warming up\n');
        const ready = server?.isAccepting === true;
        return reply(
          ready ? 200 : 503,
          ready ? `ready: ${server!.activeCalls} active calls\n` : 'not accepting calls\n',
        );
      }
      case '/metrics':
        return reply(200, await registry.metrics(), registry.contentType);
      default:
        return reply(404, 'not found\n');
    }
  };
}
