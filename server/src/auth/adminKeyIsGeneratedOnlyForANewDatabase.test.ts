// A generated admin key is printed once, on the very first start. When every admin key has since
// been revoked, a restart must not generate (and print into the logs) a fresh working one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../db/connectDatabase.ts';
import { createLogger } from '../logger.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { ensureAdminKey } from './apiKeys.ts';

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  db = connectDatabase({ url: database.url, logger: createLogger({ level: 'error' }) });
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

it('generates a key for a database that never had an admin key, and never again', async () => {
  const first = await ensureAdminKey(db.prisma, null);
  expect(first, 'the first start generates an admin key').toMatch(/^psk_/);
  expect(await ensureAdminKey(db.prisma, null), 'a restart with it active generates none').toBeNull();
  await db.pool.query("UPDATE api_keys SET revoked_at = now() WHERE role = 'ADMIN'");
  expect(await ensureAdminKey(db.prisma, null), 'a restart after every admin key was revoked generates none').toBeNull();
  const { rows } = await db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM api_keys WHERE role = 'ADMIN' AND revoked_at IS NULL",
  );
  expect(rows[0]!.n, 'no working admin key was made').toBe(0);
});
