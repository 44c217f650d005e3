// Benchmark 3: customers per second through `upsertCustomers`, in calls of 10,000, over HTTP.
// Floor: COPY of the same rows into an unindexed table with the customers' columns.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { readdirSync, readFileSync } from 'node:fs';
import { customerOf, customersBody } from './audienceData.ts';
import { countCpu } from './support/cpuTime.ts';
import type { BenchEnvironment } from './support/environment.ts';

export const CALL_SIZE = 10_000;

export interface IngestResult {
  customers: number;
  seconds: number;
  perSecond: number;
  callP50Ms: number;
  callMaxMs: number;
  concurrency: number;
  floorPerSecond: number;
  /** CPU seconds of the calls: the API process, and the PostgreSQL backends of the bench's database
   * (other databases' work on a shared machine left out; the WAL writer and checkpointer too) */
  cpuSeconds: { api: number; postgresBackends: number; bench: number };
  /** the same per 10,000 customers, in ms */
  cpuMsPerCall: { api: number; postgresBackends: number };
}

/** CPU ticks of the PostgreSQL backends serving `database`, by pid (Linux only). */
function backendTicks(database: string): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // a backend's title: "postgres: [cluster:] user database host(port) state"
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(' ').includes(database)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      /* gone meanwhile */
    }
  }
  return ticks;
}

/** Customers `from` .. n - 1 (the scale run adds to those already there). */
export async function customerIngest(env: BenchEnvironment, n: number, concurrency = 2, from = 0): Promise<IngestResult> {
  const calls: number[] = [];
  let next = from;
  const database = new URL(env.databaseUrl).pathname.slice(1);
  const cpu = countCpu({ api: env.api.pid!, worker: env.worker.pid! });
  const backendsBefore = backendTicks(database);
  const started = performance.now();
  const lane = async () => {
    for (;;) {
      const from = next;
      if (from >= n) return;
      next += CALL_SIZE;
      const body = customersBody(from, Math.min(n, from + CALL_SIZE));
      const t0 = performance.now();
      const response = await fetch(`${env.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.adminKey}` },
        body,
      });
      const result = (await response.json()) as { data?: { upsertCustomers: { count: number } }; errors?: unknown };
      if (result.errors || result.data?.upsertCustomers.count !== Math.min(n, from + CALL_SIZE) - from) {
        throw new Error(`upsertCustomers failed: ${JSON.stringify(result).slice(0, 1000)}`);
      }
      calls.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  const used = cpu.stop();
  const backends = [...backendTicks(database)].reduce((sum, [pid, now]) => sum + now - (backendsBefore.get(pid) ?? 0), 0) / 100;
  calls.sort((a, b) => a - b);

  // floor: COPY of n customer rows into an unindexed table
  const client = await env.pool.connect();
  let floorSeconds: number;
  try {
    await client.query('DROP TABLE IF EXISTS bench_floor_customers');
    await client.query('CREATE TABLE bench_floor_customers (external_id text, email text, country text)');
    const t0 = performance.now();
    const chunks = function* () {
      for (let from = 0; from < n; from += CALL_SIZE) {
        let text = '';
        for (let i = from; i < Math.min(n, from + CALL_SIZE); i++) {
          const { externalId, email, country } = customerOf(i);
          text += `${externalId}\t${email}\t${country}\n`;
        }
        yield text;
      }
    };
    await pipeline(Readable.from(chunks()), client.query(copyFrom('COPY bench_floor_customers FROM STDIN')));
    floorSeconds = (performance.now() - t0) / 1000;
    await client.query('DROP TABLE bench_floor_customers');
  } finally {
    client.release();
  }
  return {
    customers: n - from,
    seconds,
    perSecond: (n - from) / seconds,
    callP50Ms: calls[Math.floor(calls.length / 2)]!,
    callMaxMs: calls[calls.length - 1]!,
    concurrency,
    floorPerSecond: n / floorSeconds,
    cpuSeconds: { api: used.api, postgresBackends: backends, bench: used.benchAndSimulator },
    cpuMsPerCall: {
      api: Math.round((used.api * 1000 * CALL_SIZE) / (n - from)),
      postgresBackends: Math.round((backends * 1000 * CALL_SIZE) / (n - from)),
    },
  };
}
