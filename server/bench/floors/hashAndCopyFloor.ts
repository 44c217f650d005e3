// The floor of an audience sync on this machine: the same work with nothing but the hardware in the
// way. Hash n customers' identifiers with node:crypto, COPY n rows into an unindexed table, POST
// n / 10,000 bodies of 10,000 rows to the simulated Facebook users endpoint, as many at once as the
// product sends (the destination's concurrency), each batch its own one-request session as the
// product's are. Each part is timed on its own.
//
// The rows are the ones the product sends for the bench's customers: external id, email hash and
// country hash (schema EXTERN_ID, EMAIL, COUNTRY). The simulator's work grows with the row, so a floor
// of email hashes alone would be less work than the product has to do; its POST time is measured too
// (emailOnlyPostMs), for comparison with earlier runs.
import { hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BenchCustomer } from '../audienceData.ts';

export interface SyncFloor {
  hashMs: number;
  copyMs: number;
  postMs: number;
  /** the POSTs with the email hash alone in each row: the floor of earlier runs */
  emailOnlyPostMs: number;
  /** POST loops side by side, as the product's destination allows */
  concurrency: number;
  totalMs: number;
}

const BATCH = 10_000;
const SCHEMA = ['EXTERN_ID', 'EMAIL', 'COUNTRY'];

export async function hashAndCopyFloor(
  pool: pg.Pool,
  simUrl: string,
  n: number,
  customerOf: (i: number) => BenchCustomer,
  concurrency: number,
): Promise<SyncFloor> {
  // 1. hashing: normalised (trimmed, lower-cased) values → SHA-256 hex, what Meta takes; a country
  // repeats, so each distinct one is hashed once
  let started = performance.now();
  const sha256 = (value: string) => hash('sha256', value.trim().toLowerCase(), 'hex');
  const countries = new Map<string, string>();
  const rows: string[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const { externalId, email, country } = customerOf(i);
    let countryHash = countries.get(country);
    if (countryHash === undefined) countries.set(country, (countryHash = sha256(country)));
    rows[i] = [externalId, sha256(email), countryHash];
  }
  const hashMs = performance.now() - started;

  // 2. COPY into an unindexed table
  const client = await pool.connect();
  let copyMs: number;
  try {
    await client.query('DROP TABLE IF EXISTS bench_floor_copy');
    await client.query('CREATE TABLE bench_floor_copy (customer_id int, extern_id text, email_sha256 text, country_sha256 text)');
    started = performance.now();
    const chunks = function* () {
      for (let from = 0; from < n; from += BATCH) {
        let text = '';
        for (let i = from; i < Math.min(n, from + BATCH); i++) text += `${i + 1}\t${rows[i]!.join('\t')}\n`;
        yield text;
      }
    };
    await pipeline(Readable.from(chunks()), client.query(copyFrom('COPY bench_floor_copy FROM STDIN')));
    copyMs = performance.now() - started;
    await client.query('DROP TABLE bench_floor_copy');
  } finally {
    client.release();
  }

  // 3. POST the batches to the simulator, `concurrency` at a time, in the users endpoint's wire format
  const postMs = await postBatches(simUrl, n, concurrency, (from) => ({ schema: SCHEMA, data: rows.slice(from, from + BATCH) }));
  const emailOnlyPostMs = await postBatches(simUrl, n, concurrency, (from) => ({
    schema: 'EMAIL_SHA256',
    data: rows.slice(from, from + BATCH).map((row) => row[1]),
  }));
  return { hashMs, copyMs, postMs, emailOnlyPostMs, concurrency, totalMs: hashMs + copyMs + postMs };
}

/** POSTs n rows in batches to a new audience, `concurrency` loops at once; the time it took. */
async function postBatches(simUrl: string, n: number, concurrency: number, payloadAt: (from: number) => unknown): Promise<number> {
  const account = String(900_000 + Math.floor(Math.random() * 99_999));
  const created = await fetch(`${simUrl}/facebook/v27.0/act_${account}/customaudiences?access_token=floor`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'floor', subtype: 'CUSTOM', customer_file_source: 'USER_PROVIDED_ONLY' }),
  });
  const { id: audienceId } = (await created.json()) as { id: string };
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    for (let from = next; from < n; from = next) {
      next += BATCH;
      const response = await fetch(`${simUrl}/facebook/v27.0/${audienceId}/users?access_token=floor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payload: payloadAt(from), session: { session_id: from / BATCH + 1, batch_seq: 1, last_batch_flag: true } }),
      });
      if (!response.ok) throw new Error(`floor POST refused: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return performance.now() - started;
}
