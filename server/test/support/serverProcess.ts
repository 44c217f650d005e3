// The real server as separate processes, started as an operator would (`node --import tsx
// src/main.ts` with PAIDSYNC_ROLE), so a test can SIGKILL a worker, run two of each role, or take
// their database away. A fleet shares one database, one PAIDSYNC_SECRET and one admin key; each
// process reports readiness (and its API URL) over the IPC channel main.ts writes to.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { generateApiKey } from '../../src/auth/apiKeys.ts';
import type { GraphQLResult } from './testApp.ts';

export const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type ServerRole = 'api' | 'worker';

export interface ServerProcess {
  name: string;
  role: ServerRole;
  child: ChildProcess;
  /** http://127.0.0.1:PORT for an api process once ready, else null */
  url: string | null;
  /** resolves once the process has started its roles; rejects if it exits first */
  ready: Promise<void>;
  /** whether the process has exited (killed or crashed) */
  readonly exited: boolean;
  /** the last lines it wrote (stdout and stderr), for failure messages */
  tail(lines?: number): string;
  /** SIGKILL, resolved once the process is gone */
  kill(): Promise<void>;
  /** SIGTERM (a clean shutdown), SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
}

export interface GraphQLClient {
  url: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  /** gql that fails with the errors when there are any */
  ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** a graphql-ws client with the admin key */
  ws(): Client;
}

export interface ServerFleet {
  databaseUrl: string;
  adminKey: string;
  secret: string;
  processes: ServerProcess[];
  /** starts one process and waits until it is ready */
  start(role: ServerRole, env?: Record<string, string>): Promise<ServerProcess>;
  /** starts one process without waiting (e.g. a replacement while the database is down) */
  spawn(role: ServerRole, env?: Record<string, string>): ServerProcess;
  /** a client of an api process */
  client(api: ServerProcess): GraphQLClient;
  /** every process's tail, for a failure message */
  logs(lines?: number): string;
  /** SIGKILLs what is left and removes the data directory */
  stop(): Promise<void>;
}

/** Settings the fault tests run with unless they say otherwise: short leases and backoff. */
export const FAULT_TEST_ENV: Record<string, string> = {
  PAIDSYNC_LEASE_SECONDS: '3',
  // a dead worker's queue jobs are retried ~10 s after its last heartbeat instead of ~30 s
  PAIDSYNC_HEARTBEAT_SECONDS: '10',
  PAIDSYNC_SUPERVISE_SECONDS: '2',
  PAIDSYNC_BACKOFF_BASE_MS: '20',
  PAIDSYNC_LOG_LEVEL: 'warn',
  PAIDSYNC_SIMULATOR: 'off',
};

export async function startFleet(options: { databaseUrl: string; env?: Record<string, string>; secret?: string }): Promise<ServerFleet> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-fleet-'));
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const adminKey = generateApiKey();
  const processes: ServerProcess[] = [];
  const clients: Client[] = [];
  let counter = 0;

  const spawnOne = (role: ServerRole, env: Record<string, string> = {}): ServerProcess => {
    const name = `${role}-${++counter}`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/support/tagOutgoingRequests.ts', 'src/main.ts'], {
      cwd: serverDir,
      env: {
        ...process.env,
        ...FAULT_TEST_ENV,
        DATABASE_URL: options.databaseUrl,
        PORT: '0',
        PAIDSYNC_ROLE: role,
        PAIDSYNC_SECRET: secret,
        PAIDSYNC_ADMIN_KEY: adminKey,
        PAIDSYNC_DATA_DIR: dataDir,
        PAIDSYNC_TEST_PROCESS: name,
        PAIDSYNC_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
        ...options.env,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const lines: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
      if (lines.length > 400) lines.splice(0, lines.length - 400);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    let exited = false;
    const gone = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
    const proc: ServerProcess = {
      name,
      role,
      child,
      url: null,
      ready: new Promise<void>((resolve, reject) => {
        child.on('message', (message: { paidsync?: string; url?: string | null }) => {
          if (message?.paidsync !== 'ready') return;
          proc.url = message.url ?? null;
          resolve();
        });
        void gone.then(() =>
          reject(new Error(`${name} exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready:\n${proc.tail(40)}`)),
        );
      }),
      get exited() {
        return exited;
      },
      tail: (n = 30) =>
        lines
          .slice(-n)
          .map((l) => `  [${name}] ${l}`)
          .join('\n'),
      async kill() {
        if (!exited) child.kill('SIGKILL');
        await gone;
      },
      async stop(graceMs = 20_000) {
        if (exited) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await gone;
        clearTimeout(timer);
      },
    };
    proc.ready.catch(() => {}); // observed by whoever awaits it
    processes.push(proc);
    return proc;
  };

  const fleet: ServerFleet = {
    databaseUrl: options.databaseUrl,
    adminKey,
    secret,
    processes,
    async start(role, env) {
      const proc = spawnOne(role, env);
      const timer = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`expected ${proc.name} to be ready within 120 s:\n${proc.tail(40)}`)), 120_000).unref(),
      );
      await Promise.race([proc.ready, timer]);
      return proc;
    },
    spawn: spawnOne,
    client(api) {
      if (!api.url) throw new Error(`${api.name} serves no API (or is not ready yet)`);
      const url = api.url;
      const gql: GraphQLClient['gql'] = async (query, variables) => {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
          body: JSON.stringify({ query, variables }),
        });
        return (await response.json()) as GraphQLResult<any>;
      };
      return {
        url,
        gql,
        async ok(query, variables) {
          const result = await gql(query, variables);
          if (result.errors?.length)
            throw new Error(`expected no GraphQL errors from ${api.name}, got: ${JSON.stringify(result.errors).slice(0, 2000)}`);
          return result.data as any;
        },
        ws() {
          const client = createClient({
            url: url.replace('http', 'ws') + '/graphql',
            webSocketImpl: WebSocket,
            connectionParams: { authorization: `Bearer ${adminKey}` },
            retryAttempts: 0,
            lazy: true,
          });
          clients.push(client);
          return client;
        },
      };
    },
    logs(n = 30) {
      return processes
        .map((p) => p.tail(n))
        .filter(Boolean)
        .join('\n');
    },
    async stop() {
      for (const client of clients) await Promise.resolve(client.dispose()).catch(() => {});
      await Promise.all(processes.map((p) => p.kill()));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return fleet;
}

/**
 * Polls `probe` until it returns something other than undefined; fails naming what was expected
 * (and `detail()`'s account of the last state) after `timeoutMs`. Waiting, not asserting on time.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  detail?: () => string | Promise<string>,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = null;
    } catch (error) {
      lastError = error; // e.g. the API answering while its database restarts: keep waiting
    }
    if (Date.now() > deadline) {
      const extra = detail ? await Promise.resolve(detail()).catch((e) => `(detail failed: ${String(e)})`) : '';
      throw new Error(
        `expected ${what} within ${timeoutMs} ms` +
          (lastError ? `; last probe failed: ${(lastError as Error).message ?? String(lastError)}` : '') +
          (extra ? `\n${extra}` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Seconds of test time scaled by PAIDSYNC_LONG_FAULTS: `long(short, long)`. */
export const LONG_FAULTS = process.env.PAIDSYNC_LONG_FAULTS === '1';
export function pick<T>(short: T, long: T): T {
  return LONG_FAULTS ? long : short;
}
