// An ADD item whose customer range holds no membership inserts its rows plainly (confirmAddedMembers.ts).
// A membership another transaction inserts into that range meanwhile must not abort the settle: the
// plain insert fails on the key once the other commits, and the upsert takes the row over.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import type { ClaimedItem } from '../delivery/claimQueueItem.ts';
import { confirmAddedMembers } from './confirmAddedMembers.ts';

let database: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => {});
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

/** A destination, its audience, three customers, and a job whose payload adds all three (rows 1–3). */
async function jobAddingThree(): Promise<{ item: ClaimedItem; customers: number[] }> {
  const { rows: dest } = await pool.query<{ id: number }>(
    `INSERT INTO destinations (name, type, settings) VALUES ('web ' || gen_random_uuid(), 'WEB', '{}') RETURNING id`,
  );
  const destinationId = dest[0]!.id;
  const { rows: aud } = await pool.query<{ id: number }>(
    `INSERT INTO audiences (destination_id, scope_key, name) VALUES ($1, 'everyone', 'everyone') RETURNING id`,
    [destinationId],
  );
  const { rows: customers } = await pool.query<{ id: number }>(
    `INSERT INTO customers (external_id, email) SELECT 'c-' || gen_random_uuid(), 'x' || g || '@example.com' FROM generate_series(1, 3) g
     RETURNING id`,
  );
  const ids = customers.map((c) => c.id).sort((a, b) => a - b);
  const { rows: job } = await pool.query<{ id: number }>(
    `INSERT INTO sync_jobs (status, stage, destination_id, destination_type, sync_type, scope_key, audience_id)
     VALUES ('RUNNING', 'SYNC_MEMBERS', $1, 'WEB', 'SEGMENT', 'everyone', $2) RETURNING id`,
    [destinationId, aud[0]!.id],
  );
  await pool.query(
    `INSERT INTO sync_payloads (sync_job_id, customer_id, external_id, identifiers, identifier_hash, keep, pii_version, add_row)
     SELECT $1, c, 'c' || c, '{}', 'new-hash-' || c, true, 1, row_number() OVER (ORDER BY c) FROM unnest($2::int[]) c`,
    [job[0]!.id, ids],
  );
  const item: ClaimedItem = {
    id: 0,
    sync_job_id: job[0]!.id,
    operation: 'ADD',
    status: 'SENDING',
    row_from: 1,
    record_count: 3,
    first_customer_id: ids[0]!,
    last_customer_id: ids[2]!,
    attempts: 1,
    destination_id: destinationId,
    audience_id: aud[0]!.id,
    sync_type: 'SEGMENT',
  };
  return { item, customers: ids };
}

it('inserts every accepted row when the range is empty', async () => {
  const { item, customers } = await jobAddingThree();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    expect(await confirmAddedMembers(client, item, [customers[1]!]), 'two new members (the second was rejected)').toBe(2);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const { rows } = await pool.query('SELECT customer_id FROM memberships WHERE audience_id = $1 ORDER BY 1', [item.audience_id]);
  expect(rows.map((r) => r.customer_id)).toEqual([customers[0], customers[2]]);
});

it('takes over a membership another transaction inserted into the range after the check', async () => {
  const { item, customers } = await jobAddingThree();
  const [other, settling] = [await pool.connect(), await pool.connect()];
  try {
    // the other writer's row is not committed yet: the settle finds the range empty and inserts plainly
    await other.query('BEGIN');
    await other.query(`INSERT INTO memberships (audience_id, customer_id, identifier_hash, pii_version) VALUES ($1, $2, 'other-hash', 0)`, [
      item.audience_id,
      customers[2],
    ]);
    await settling.query('BEGIN');
    const confirming = confirmAddedMembers(settling, item, []);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the plain insert now waits on the other's key
    await other.query('COMMIT');
    expect(await confirming, 'two inserted, one taken over from the other writer').toBe(2);
    await settling.query('COMMIT');
  } finally {
    other.release();
    settling.release();
  }
  const { rows } = await pool.query(
    'SELECT customer_id, identifier_hash, sent_job_id FROM memberships WHERE audience_id = $1 ORDER BY customer_id',
    [item.audience_id],
  );
  expect(rows).toEqual(customers.map((id) => ({ customer_id: id, identifier_hash: `new-hash-${id}`, sent_job_id: item.sync_job_id })));
});
