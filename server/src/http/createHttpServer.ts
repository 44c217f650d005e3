// One port for everything: /graphql (HTTP and WebSocket), /healthz, and the dashboard at /.
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import type { GraphQLServer } from '../graphql/server.ts';
import { GRAPHQL_PATH } from '../graphql/server.ts';

const SECURITY_HEADERS = [
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'no-referrer'],
] as const;

type Middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;
export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => boolean | Promise<boolean>;

export async function createHttpServer(options: {
  yoga: GraphQLServer;
  pool: pg.Pool;
  logger: Logger;
  webBuildDir: string;
  /** extra routes tried before the dashboard (the simulator mounts itself under /sim/) */
  routes?: Route[];
}): Promise<http.Server> {
  const { yoga, pool, logger } = options;
  const dashboard = await loadDashboard(options.webBuildDir, logger);

  const server = http.createServer(async (req, res) => {
    // every answer: no MIME sniffing, no framing, no referrer; the dashboard's pages add their
    // Content-Security-Policy (web/svelte.config.js)
    for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
    try {
      const url = req.url ?? '/';
      if (url === GRAPHQL_PATH || url.startsWith(GRAPHQL_PATH + '?')) {
        await yoga(req, res);
        return;
      }
      if (url === '/healthz') {
        const ok = await pool.query('SELECT 1').then(
          () => true,
          () => false,
        );
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'database unreachable' }));
        return;
      }
      for (const route of options.routes ?? []) if (await route(req, res)) return;
      if (dashboard) {
        dashboard(req, res, () => notFound(res));
        return;
      }
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('The dashboard is not built: run `pnpm build`.\n');
    } catch (error) {
      logger.error('request failed', { error, path: req.url?.split('?')[0] });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error\n');
    }
  });
  // Node closes an idle keep-alive connection after 5 s, which races a client (or load balancer)
  // sending its next request on it: the request dies with ECONNRESET. Clients and proxies keep idle
  // connections longer than that, so the server keeps them longer still.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

function notFound(res: http.ServerResponse) {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('Not found\n');
}

async function loadDashboard(dir: string, logger: Logger): Promise<Middleware | null> {
  const file = path.join(dir, 'handler.js');
  if (!existsSync(file)) {
    logger.warn('dashboard build not found; / will answer 503', { dir });
    return null;
  }
  try {
    const module = (await import(pathToFileURL(file).href)) as { handler: Middleware };
    return module.handler;
  } catch (error) {
    // a broken or half-written build must not keep the API from starting
    logger.error('dashboard build could not be loaded; / will answer 503', { dir, error });
    return null;
  }
}
