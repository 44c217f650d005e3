// Starts the roles a process was asked to run, on one database, and stops them in reverse order.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiKeyCache } from './auth/apiKeyCache.ts';
import { bearerToken, ensureAdminKey } from './auth/apiKeys.ts';
import { watchRevocations } from './auth/watchRevocations.ts';
import type { Config } from './config.ts';
import { applyMigrations } from './db/applyMigrations.ts';
import { connectDatabase, type Database } from './db/connectDatabase.ts';
import { startLiveEvents, type LiveEvents } from './db/liveEvents.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/startEmbeddedPostgres.ts';
import { createNetworkPolicy, type NetworkPolicy, type ResolveHost } from './delivery/networkPolicy.ts';
import type { Services } from './graphql/context.ts';
import { attachGraphQLWebSocket, createGraphQLServer } from './graphql/server.ts';
import { createHttpServer } from './http/createHttpServer.ts';
import { createSimulator } from './simulator/index.ts';
import { runDemoTrickle } from './demo/runDemoTrickle.ts';
import { seedDemo } from './demo/seedDemo.ts';
import type { Logger } from './logger.ts';
import { createMetrics } from './metrics/createMetrics.ts';
import { metricsRoutes } from './metrics/serveMetrics.ts';
import { migrationsDir, webBuildDir } from './paths.ts';
import { startWorkers } from './pipeline/startWorkers.ts';
import { startAlerting } from './alerts/startAlerting.ts';
import { startQueue, type Queue } from './queue/startQueue.ts';
import { createCredentialsCipher } from './secrets/credentialsCipher.ts';
import { loadSecret } from './secrets/loadSecret.ts';
import { resealCredentials } from './secrets/resealCredentials.ts';

/** what one statement of the API may take; the workers' set-based stages are not bound by it */
export const API_STATEMENT_TIMEOUT_MS = 30_000;

export interface Paidsync {
  /** http://127.0.0.1:PORT when the process serves the API */
  url: string | null;
  services: Services;
  queue: Queue;
  /** a generated admin key on first start, to print once */
  generatedAdminKey: string | null;
  stop(): Promise<void>;
}

export async function startPaidsync(options: {
  config: Config;
  logger: Logger;
  /** name resolution for the destination network policy (dns.lookup unless given) */
  resolveHost?: ResolveHost;
}): Promise<Paidsync> {
  const { config, logger } = options;
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error) => logger.warn('stop step failed', { error }));
    stops.length = 0;
  };
  try {
    let url = config.databaseUrl;
    if (!url) {
      const embedded: EmbeddedDatabase = await startEmbeddedPostgres({ dir: config.dataDir, logger });
      stops.push(() => embedded.stop());
      url = embedded.url;
    }
    const db: Database = connectDatabase({ url, logger });
    stops.push(() => db.close());
    await applyMigrations({ pool: db.pool, dir: migrationsDir, logger });

    const cipher = createCredentialsCipher(await loadSecret({ configured: config.secret, dataDir: config.dataDir }), {
      previous: [config.previousSecret],
    });
    await resealCredentials({ pool: db.pool, cipher, logger });
    const serveApi = config.role !== 'worker';
    const runWorker = config.role !== 'api';

    const liveEvents: LiveEvents = startLiveEvents({ url, logger });
    stops.push(() => liveEvents.close());
    const queue: Queue = await startQueue({
      url,
      logger,
      worker: runWorker,
      heartbeatSeconds: config.heartbeatSeconds,
      superviseSeconds: config.superviseSeconds,
    });
    stops.push(() => queue.stop());
    const apiKeys = createApiKeyCache({ prisma: db.prisma, liveEvents });
    const networkPolicy: NetworkPolicy = createNetworkPolicy({
      allowPrivateHosts: config.allowPrivateHosts,
      requireHttps: config.production,
      resolve: options.resolveHost,
    });
    const serveApiFrom = serveApi ? connectDatabase({ url, logger, statementTimeoutMs: API_STATEMENT_TIMEOUT_MS }) : db;
    if (serveApiFrom !== db) stops.push(() => serveApiFrom.close());
    // scrapes read through the API's connections, whose statement timeout bounds them
    const metrics = createMetrics({ pool: serveApiFrom.pool, role: config.role });
    const services: Services = {
      config,
      logger,
      prisma: serveApiFrom.prisma,
      pool: serveApiFrom.pool,
      liveEvents,
      cipher,
      boss: queue.boss,
      apiKeys,
      networkPolicy,
      metrics,
    };
    const monitoring = metricsRoutes({ metrics, pool: serveApiFrom.pool, boss: queue.boss, apiKeys, metricsToken: config.metricsToken });

    const generatedAdminKey = serveApi ? await ensureAdminKey(db.prisma, config.adminKey) : null;
    if (
      serveApi &&
      !config.adminKey &&
      !generatedAdminKey &&
      !(await db.prisma.apiKey.count({ where: { role: 'ADMIN', revokedAt: null } }))
    ) {
      logger.warn('every admin API key is revoked; set PAIDSYNC_ADMIN_KEY to create one');
    }
    if (runWorker) {
      const pipeline = { pool: db.pool, boss: queue.boss, config, logger, cipher, networkPolicy, metrics };
      stops.push(await startWorkers(pipeline, liveEvents));
      stops.push(await startAlerting({ ctx: pipeline, liveEvents }));
    }

    let httpUrl: string | null = null;
    if (serveApi) {
      const yoga = createGraphQLServer(services);
      const simulator = config.simulator
        ? createSimulator({
            basePath: '/sim',
            authorizeControl: async (req) => (await apiKeys.authenticate(bearerToken(req.headers.authorization)))?.role === 'ADMIN',
          })
        : null;
      const server = await createHttpServer({
        yoga,
        pool: db.pool,
        logger,
        webBuildDir,
        routes: [
          ...monitoring,
          ...(simulator ? [(req: http.IncomingMessage, res: http.ServerResponse) => simulator.handle(req, res)] : []),
        ],
      });
      const revocations = watchRevocations({ pool: db.pool, liveEvents, logger });
      stops.push(async () => revocations.stop());
      // listening first: a port in use is then one error here, not one from the WebSocket server too
      await listen(server, config.port);
      stops.push(() => closeServer(server));
      const ws = attachGraphQLWebSocket({ httpServer: server, yoga, services });
      stops.push(() => ws.close());
      httpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      logger.info('paidsync is listening', { url: httpUrl, role: config.role });
      if (simulator) {
        // the demo destinations point here, on loopback: this origin is the one private address allowed
        networkPolicy.allowOrigin(httpUrl);
        await seedDemo({ services, simulator, baseUrl: httpUrl, config });
        const trickle = runDemoTrickle({ services, simulatorUrl: `${httpUrl}/sim` });
        stops.push(async () => trickle.stop());
      }
    }
    if (!serveApi && config.metricsPort !== null) {
      // a worker has no API: it serves its own figures for Prometheus to scrape, and nothing else
      const server = http.createServer(async (req, res) => {
        for (const route of monitoring) if (await route(req, res)) return;
        res
          .writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'text/plain' })
          .end(req.url === '/healthz' ? 'ok\n' : 'Not found\n');
      });
      await listen(server, config.metricsPort);
      stops.push(() => closeServer(server));
      logger.info('worker metrics are served', { port: (server.address() as AddressInfo).port });
    }
    await liveEvents.ready();
    return { url: httpUrl, services, queue, generatedAdminKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function listen(server: http.Server, port: number) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
}

function closeServer(server: http.Server) {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
  });
}
