import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerTokenCheck } from '@psrkit/transport';
import type { Registry } from 'prom-client';
import type { NodeLoad } from './node-load.js';

/**
 * `GET /healthz` (alive), `GET /readyz` (ready for calls: warm, not draining, under the
 * load thresholds — the node's load as JSON, 200 or 503), `GET /metrics` (Prometheus).
 * With `metricsToken`, /readyz and /metrics answer 401 without `Authorization: Bearer
 * <token>` (/healthz stays open: it says only that the process is alive).
 */
export function healthRoutes(load: () => NodeLoad, registry: Registry, metricsToken?: string) {
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
        const now = load();
        return reply(now.ready ? 200 : 503, `${JSON.stringify(now)}\n`, 'application/json');
      }
      case '/metrics':
        return reply(200, await registry.metrics(), registry.contentType);
      default:
        return reply(404, 'not found\n');
    }
  };
}
