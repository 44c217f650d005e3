// /metrics (Prometheus text format, for an ADMIN key or PAIDSYNC_METRICS_TOKEN) and /readyz (the
// database and the queue answer), as routes for the HTTP server of any role.
import { timingSafeEqual, createHash } from 'node:crypto';
import type http from 'node:http';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { ApiKeyCache } from '../auth/apiKeyCache.ts';
import { bearerToken } from '../auth/apiKeys.ts';
import type { Route } from '../http/createHttpServer.ts';
import type { Metrics } from './createMetrics.ts';

const READY_TIMEOUT_MS = 3_000;

export function metricsRoutes(options: {
  metrics: Metrics;
  pool: pg.Pool;
  boss: PgBoss;
  apiKeys: ApiKeyCache;
  metricsToken: string | null;
}): Route[] {
  const { metrics, apiKeys } = options;
  const tokenDigest = options.metricsToken ? digest(options.metricsToken) : null;
  const allowed = async (req: http.IncomingMessage) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) return 'missing';
    if (tokenDigest && timingSafeEqual(digest(token), tokenDigest)) return 'ok';
    const principal = await apiKeys.authenticate(token);
    if (!principal) return 'invalid';
    return principal.role === 'ADMIN' ? 'ok' : 'forbidden';
  };

  const serveMetrics: Route = async (req, res) => {
    if (path(req) !== '/metrics') return false;
    const verdict = await allowed(req);
    if (verdict !== 'ok') {
      const status = verdict === 'forbidden' ? 403 : 401;
      res.writeHead(status, { 'content-type': 'text/plain', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) });
      res.end(
        status === 403
          ? 'metrics need an ADMIN key or PAIDSYNC_METRICS_TOKEN\n'
          : 'send Authorization: Bearer <ADMIN key or PAIDSYNC_METRICS_TOKEN>\n',
      );
      return true;
    }
    const body = await metrics.scrape();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(body);
    return true;
  };

  const serveReadiness: Route = async (req, res) => {
    if (path(req) !== '/readyz') return false;
    const [database, queue] = await Promise.all([
      answers(options.pool.query('SELECT 1')),
      // pg-boss's own connections, to its own schema
      answers(options.boss.getDb().executeSql('SELECT 1 FROM pgboss.version')),
    ]);
    const ready = database && queue;
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(
      JSON.stringify({
        status: ready ? 'ready' : 'not ready',
        database: database ? 'ok' : 'unreachable',
        queue: queue ? 'ok' : 'unreachable',
      }),
    );
    return true;
  };

  return [serveMetrics, serveReadiness];
}

const path = (req: http.IncomingMessage) => (req.url ?? '/').split('?')[0];
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function answers(query: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)));
  return Promise.race([
    query.then(
      () => true,
      () => false,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}
