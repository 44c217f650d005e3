// API keys are stored as their SHA-256 only, looked up by a non-secret id embedded in the key, and
// compared digest to digest in constant time; keys made before ids existed (and an admin key of any
// shape) keep working after the migration that added the ids.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';
import { createTestDatabase } from '../../test/support/testDatabase.ts';
import { applyMigrations } from '../db/applyMigrations.ts';
import { createLogger } from '../logger.ts';
import { migrationsDir } from '../paths.ts';
import { lookupIdOf } from './apiKeys.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const LOOKUP_MIGRATION = readdirSync(migrationsDir).find((name) => name.endsWith('_api_key_lookup_id'))!;

let t: TestApp;
let db: pg.Client;
beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

async function status(key: string) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ destinations { id } }' }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code ?? null };
}

describe('a new key', () => {
  it('is psk_<id>_<secret>; only its digest and its id are stored, and the id is what it is looked up by', async () => {
    const key = await t.keyFor('VIEWER');
    const match = /^psk_([0-9a-z]{12})_([A-Za-z0-9_-]{43})$/.exec(key);
    expect(match, `the key has the form psk_<12 base-36 id>_<43 base64url secret> (got ${key.slice(0, 17)}…)`).not.toBeNull();
    const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE lookup_id = $1', [match![1]]);
    expect(rows.length, 'one row has the key id').toBe(1);
    expect(rows[0]!.key_hash, 'the row holds the SHA-256 of the whole key').toBe(sha256(key));
    expect(JSON.stringify(rows[0]), 'no column holds the key or its secret part').not.toContain(match![2]);
  });

  it('with its id kept but any other secret is refused, as is a key one character off', async () => {
    const key = await t.keyFor('ADMIN');
    expect((await status(key)).status, 'the key itself works').toBe(200);
    const [, id] = /^psk_([0-9a-z]{12})_/.exec(key)!;
    const sameId = `psk_${id}_${'A'.repeat(43)}`;
    const oneOff = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    for (const [what, guess] of [
      ['the same id with another secret', sameId],
      ['the key with its last character changed', oneOff],
    ] as const) {
      expect(lookupIdOf(guess), `${what} is looked up by the real key's id`).toBe(id);
      expect(await status(guess), `${what} is UNAUTHENTICATED (401)`).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });
});

describe('keys made before ids existed', () => {
  it('keep working after the migration, and a revoked one stays refused', async () => {
    // a database as it was before the migration, holding keys of the old form
    const database = await createTestDatabase({ migrate: false });
    const before = await mkdtemp(path.join(os.tmpdir(), 'paidsync-migrations-before-'));
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      for (const name of readdirSync(migrationsDir).filter((n) => n < LOOKUP_MIGRATION)) {
        await mkdir(path.join(before, name));
        await copyFile(path.join(migrationsDir, name, 'migration.sql'), path.join(before, name, 'migration.sql'));
      }
      await applyMigrations({ pool, dir: before, logger: createLogger({ level: 'warn' }) });
      const oldKey = 'psk_' + 'o'.repeat(20) + 'l'.repeat(23);
      const oldRevoked = 'psk_' + 'r'.repeat(43);
      await pool.query(`INSERT INTO api_keys (name, role, key_hash) VALUES ('old operator', 'OPERATOR', $1)`, [sha256(oldKey)]);
      await pool.query(`INSERT INTO api_keys (name, role, key_hash, revoked_at) VALUES ('old revoked', 'VIEWER', $1, now())`, [
        sha256(oldRevoked),
      ]);
      await pool.end();
      expect(
        readFileSync(path.join(migrationsDir, LOOKUP_MIGRATION, 'migration.sql'), 'utf8'),
        'the migration backfills existing rows',
      ).toContain('UPDATE');

      const upgraded = await startTestApp({ database });
      try {
        const ok = await upgraded.gql('mutation { upsertCustomers(customers: [{ externalId: "old-key" }]) { count } }', {}, oldKey);
        expect(ok.errors, 'the old OPERATOR key still works after the migration').toBeUndefined();
        const refused = await upgraded.gql('{ destinations { id } }', {}, oldRevoked);
        expect(
          refused.errors?.map((e) => e.extensions?.code),
          'the old revoked key is still refused',
        ).toEqual(['UNAUTHENTICATED']);
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        const { rows } = await client.query<{ lookup_id: string }>(`SELECT lookup_id FROM api_keys WHERE key_hash = $1`, [sha256(oldKey)]);
        await client.end();
        expect(rows[0]!.lookup_id, 'the old key was given the digest-derived lookup id').toBe(lookupIdOf(oldKey));
      } finally {
        await upgraded.stop();
      }
    } finally {
      await pool.end().catch(() => undefined);
      await rm(before, { recursive: true, force: true });
      await database.drop();
    }
  });
});
