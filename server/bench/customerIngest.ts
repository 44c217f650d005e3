// Benchmark 3: customers per second through `upsertCustomers`, in calls of 10,000, over HTTP.
// Floor: COPY of the same rows into an unindexed table with the customers' columns.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { customersBody, emailOf, externalIdOf } from './audienceData.ts';
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
}

/** Customers `from` .. n - 1 (the scale run adds to those already there). */
export async function customerIngest(env: BenchEnvironment, n: number, concurrency = 2, from = 0): Promise<IngestResult> {
  const calls: number[] = [];
  let next = from;
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
        for (let i = from; i < Math.min(n, from + CALL_SIZE); i++) text += `${externalIdOf(i)}\t${emailOf(i)}\tUS\n`;
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
  };
}
