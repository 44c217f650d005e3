// The floor of an audience sync on this machine: the same work with nothing but the hardware in the
// way. Hash n emails with node:crypto, COPY n rows into an unindexed table, POST n / 10,000 bodies of
// 10,000 hashes to the simulated Facebook users endpoint, as many at once as the product sends
// (the destination's concurrency), each batch its own one-request session as the product's are.
// Each part is timed on its own.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export interface SyncFloor {
  hashMs: number;
  copyMs: number;
  postMs: number;
  /** POST loops side by side, as the product's destination allows */
  concurrency: number;
  totalMs: number;
}

const BATCH = 10_000;

export async function hashAndCopyFloor(
  pool: pg.Pool,
  simUrl: string,
  n: number,
  emailOf: (i: number) => string,
  concurrency: number,
): Promise<SyncFloor> {
  // 1. hashing: normalised (trimmed, lower-cased) email → SHA-256 hex, what Meta takes
  let started = performance.now();
  const hashes: string[] = new Array(n);
  for (let i = 0; i < n; i++) hashes[i] = createHash('sha256').update(emailOf(i).trim().toLowerCase()).digest('hex');
  const hashMs = performance.now() - started;

  // 2. COPY into an unindexed table
  const client = await pool.connect();
  let copyMs: number;
  try {
    await client.query('DROP TABLE IF EXISTS bench_floor_copy');
    await client.query('CREATE TABLE bench_floor_copy (customer_id int, email_sha256 text)');
    started = performance.now();
    const chunks = function* () {
      for (let from = 0; from < n; from += BATCH) {
        let text = '';
        for (let i = from; i < Math.min(n, from + BATCH); i++) text += `${i + 1}\t${hashes[i]}\n`;
        yield text;
      }
    };
    await pipeline(Readable.from(chunks()), client.query(copyFrom('COPY bench_floor_copy (customer_id, email_sha256) FROM STDIN')));
    copyMs = performance.now() - started;
    await client.query('DROP TABLE bench_floor_copy');
  } finally {
    client.release();
  }

  // 3. POST the batches to the simulator, `concurrency` at a time, in the users endpoint's wire format
  const account = String(900_000 + Math.floor(Math.random() * 99_999));
  const created = await fetch(`${simUrl}/facebook/v27.0/act_${account}/customaudiences?access_token=floor`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'floor', subtype: 'CUSTOM', customer_file_source: 'USER_PROVIDED_ONLY' }),
  });
  const { id: audienceId } = (await created.json()) as { id: string };
  started = performance.now();
  let next = 0;
  const lane = async () => {
    for (let from = next; from < n; from = next) {
      next += BATCH;
      const response = await fetch(`${simUrl}/facebook/v27.0/${audienceId}/users?access_token=floor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          payload: { schema: 'EMAIL_SHA256', data: hashes.slice(from, from + BATCH) },
          session: { session_id: from / BATCH + 1, batch_seq: 1, last_batch_flag: true },
        }),
      });
      if (!response.ok) throw new Error(`floor POST refused: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const postMs = performance.now() - started;
  return { hashMs, copyMs, postMs, concurrency, totalMs: hashMs + copyMs + postMs };
}
