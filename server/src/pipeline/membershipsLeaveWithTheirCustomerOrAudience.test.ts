// Memberships carry no foreign keys (too costly at a million rows a sync); statement triggers keep
// the cascade: deleting customers, an audience, or a destination (and so its audiences) by hand
// leaves no membership behind.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';

let database: TestDatabase;
let db: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
  await db.query(`INSERT INTO destinations (id, name, type, settings) VALUES (1, 'a', 'WEB', '{}'), (2, 'b', 'WEB', '{}')`);
  await db.query(
    `INSERT INTO audiences (id, destination_id, scope_key, name) VALUES (1, 1, 's1', 'one'), (2, 2, 's2', 'two'), (3, 2, 's3', 'three')`,
  );
  await db.query(`INSERT INTO customers (id, external_id) SELECT g, 'c' || g FROM generate_series(1, 6) g`);
  await db.query(
    `INSERT INTO memberships (audience_id, customer_id, identifier_hash) SELECT a, c, 'h' FROM generate_series(1, 3) a, generate_series(1, 6) c`,
  );
});
afterAll(async () => {
  await db?.end();
  await database?.drop();
});

const members = async () =>
  (
    await db.query<{ audience_id: number; n: number }>('SELECT audience_id, count(*)::int AS n FROM memberships GROUP BY 1 ORDER BY 1')
  ).rows.map((r) => [r.audience_id, r.n]);

it('removes the memberships of deleted customers, audiences and destinations, and only theirs', async () => {
  await db.query('DELETE FROM customers WHERE id IN (5, 6)');
  expect(await members(), 'customers 5 and 6 left every audience').toEqual([
    [1, 4],
    [2, 4],
    [3, 4],
  ]);
  await db.query('DELETE FROM audiences WHERE id = 1');
  expect(await members(), 'audience 1 has no members left').toEqual([
    [2, 4],
    [3, 4],
  ]);
  await db.query('DELETE FROM destinations WHERE id = 2');
  expect(await members(), "destination 2's audiences took their members with them").toEqual([]);
});
