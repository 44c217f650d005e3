// What every benchmark runs against: a fresh database (on DATABASE_URL's server when set, else one
// embedded PostgreSQL for the whole run), the simulator on its own port in this process, and the real
// server as two processes, `api` and `worker`, started with `node dist/main.js` (the compiled server
// `pnpm bench` builds first) exactly as an operator would. Benchmarks talk to them only over HTTP / WebSocket.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/createScratchDatabase.ts';
import { freePort } from '../../src/db/startEmbeddedPostgres.ts';
import { generateApiKey } from '../../src/auth/apiKeys.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/startEmbeddedPostgres.ts';
import { createLogger } from '../../src/logger.ts';
import { graphQLPoster } from './graphQLPoster.ts';
import { startSimulator, type StartedSimulator } from '../../src/simulator/index.ts';

export const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const resultsDir = path.join(serverDir, '..', 'bench-results');

let embedded: { db: EmbeddedDatabase; dir: string } | null = null;

/** The server's admin URL (postgres database): DATABASE_URL's, or an embedded cluster's. */
export async function adminDatabaseUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (!embedded) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-bench-pg-'));
    const db = await startEmbeddedPostgres({ dir, logger: createLogger({ level: 'warn' }), database: 'postgres' });
    embedded = { db, dir };
  }
  return embedded.db.url;
}

export async function stopEmbedded() {
  if (!embedded) return;
  await embedded.db.stop();
  await rm(embedded.dir, { recursive: true, force: true });
  embedded = null;
}

export type BenchDatabase = ScratchDatabase;

export async function createBenchDatabase(): Promise<BenchDatabase> {
  return createScratchDatabase({ adminUrl: await adminDatabaseUrl(), prefix: 'paidsync_bench' });
}

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export interface BenchEnvironment {
  name: string;
  url: string;
  databaseUrl: string;
  adminKey: string;
  sim: StartedSimulator;
  api: ChildProcess;
  worker: ChildProcess;
  /** a pool on the benchmark's database, for setup and floors only (never the measured path) */
  pool: pg.Pool;
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  /** gql that throws on errors */
  ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

/** `BENCH_CPU_PROF=worker,api` profiles those processes; profiles land in bench-results/profiles. */
function profileArgs(role: string): string[] {
  const wanted = (process.env.BENCH_CPU_PROF ?? '').split(',').map((s) => s.trim());
  if (!wanted.includes(role)) return [];
  const dir = path.join(resultsDir, 'profiles');
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** node's flags in the server's `start` script: the bench runs the server as `pnpm start` does */
function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(serverDir, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = scripts.start.split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'dist/main.js')
    throw new Error(`expected "node … dist/main.js" as the start script, found "${scripts.start}"`);
  return words.slice(1, -1);
}

function spawnServer(name: string, role: 'api' | 'worker', env: Record<string, string>): ChildProcess {
  const logDir = path.join(resultsDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${name}-${role}.log`));
  const child = spawn(process.execPath, [...startFlags(), ...profileArgs(role), 'dist/main.js'], {
    cwd: serverDir,
    env: { ...process.env, ...env, PAIDSYNC_ROLE: role },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited with ${child.exitCode} (see bench-results/logs)`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function note(message: string) {
  if (process.env.BENCH_VERBOSE !== '0') console.log(`[${new Date().toISOString().slice(11, 23)}] ${message}`);
}

export async function startEnvironment(name: string, options: { env?: Record<string, string> } = {}): Promise<BenchEnvironment> {
  note(`${name}: starting database, simulator, api and worker`);
  const database = await createBenchDatabase();
  const sim = await startSimulator();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-bench-data-'));
  const adminKey = generateApiKey();
  const port = await freePort();
  const env = {
    DATABASE_URL: database.url,
    PORT: String(port),
    PAIDSYNC_ADMIN_KEY: adminKey,
    PAIDSYNC_SECRET: randomBytes(32).toString('base64url'),
    PAIDSYNC_DATA_DIR: dataDir,
    PAIDSYNC_SIMULATOR: 'off',
    PAIDSYNC_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    NODE_ENV: 'production',
    // the simulator listens on loopback
    PAIDSYNC_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
    ...options.env,
  };
  const url = `http://127.0.0.1:${port}`;
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  // an idle connection dropped under us (the database dropped at the end, a restart) is not fatal
  pool.on('error', () => {});
  // the API applies the migrations; the worker starts once it has
  const api = spawnServer(name, 'api', env);
  let worker: ChildProcess | null = null;
  const stop = async () => {
    note(`${name}: stopping`);
    await Promise.all([worker, api].map((child) => (child ? stopChild(child) : undefined)));
    await pool.end().catch(() => {});
    await sim.close().catch(() => {});
    // the simulated networks' members (a million, after a full sync) would stay in this process's heap,
    // and its collections would then pause the next benchmark's load generator in the middle of timing
    sim.simulator.reset();
    (globalThis as { gc?: () => void }).gc?.();
    // BENCH_KEEP_DATABASE=1 leaves it for EXPLAIN and experiments afterwards
    if (process.env.BENCH_KEEP_DATABASE === '1') note(`${name}: database kept at ${database.url}`);
    else await database.drop().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
    note(`${name}: stopped`);
  };
  try {
    await waitFor('api', async () => (await fetch(`${url}/healthz`)).ok, 120_000, api);
    worker = spawnServer(name, 'worker', env);
    // the worker's recurring schedules are the last thing it sets up
    await waitFor(
      'worker',
      async () => (await pool.query(`SELECT count(*)::int AS n FROM pgboss.schedule`)).rows[0].n >= 4,
      120_000,
      worker,
    );
  } catch (error) {
    await stop();
    throw error;
  }

  note(`${name}: ready`);
  const post = graphQLPoster({ url: `${url}/graphql`, apiKey: adminKey, maxSockets: 64 });
  const gql: BenchEnvironment['gql'] = async (query, variables) => JSON.parse(await post(JSON.stringify({ query, variables })));
  const ok: BenchEnvironment['ok'] = async (query, variables) => {
    const result = await gql(query, variables);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors).slice(0, 2000)}`);
    return result.data as any;
  };
  return { name, url, databaseUrl: database.url, adminKey, sim, api, worker: worker!, pool, gql, ok, stop };
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process now and at its peak (VmHWM), in MB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Samples a process's RSS every `everyMs` until stopped; returns the highest seen. */
export function sampleRss(pid: number, everyMs = 100) {
  let peak = 0;
  const tick = () => {
    try {
      peak = Math.max(peak, memoryOf(pid).rssMb);
    } catch {
      /* the process is gone */
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return peak;
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until the job reaches a final status; returns it. */
export async function waitForJob(env: BenchEnvironment, id: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const started = performance.now();
  const timeline: Record<string, number> = {};
  for (;;) {
    const { syncJob } = await env.ok<{ syncJob: any }>(
      `query($id: ID!) { syncJob(id: $id) { id status stage error recordsTotal recordsAdded recordsRemoved recordsRejected recordsFailed } }`,
      { id },
    );
    const step = `${syncJob.status}:${syncJob.stage}`;
    timeline[step] ??= Math.round(performance.now() - started);
    if (['COMPLETED', 'FAILED', 'WITHDRAWN'].includes(syncJob.status)) return { ...syncJob, timelineMs: timeline };
    if (Date.now() > deadline) throw new Error(`job ${id} did not finish within ${timeoutMs} ms: ${JSON.stringify(syncJob)}`);
    await sleep(50);
  }
}
