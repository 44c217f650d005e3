// Subscriptions are checked against the key like queries: every Subscription field of the served
// schema (read from it, so one added later is covered) is open to a VIEWER and delivers its events;
// without a key, or with a revoked one, nothing is delivered. Over the same graphql-ws connection a
// VIEWER's mutation and an admin-only query are refused with FORBIDDEN, as over HTTP.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedSchema } from '../../test/support/introspection.ts';
import { subscribe, untilListening } from '../../test/support/subscription.ts';
import { snapshotTables } from '../../test/support/tableSnapshot.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

let t: TestApp;
let db: pg.Client;
let subscriptionFields: string[];
let ids: { destination: number; job: number; item: number; conversion: number };

beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  const { schema } = await servedSchema(t);
  subscriptionFields = Object.keys(schema.getSubscriptionType()!.getFields());
  const destination = (
    await db.query<{ id: number }>(
      `INSERT INTO destinations (name, type, settings) VALUES ('subs dmp', 'DMP', '{"directory":"/tmp/x"}') RETURNING id`,
    )
  ).rows[0]!.id;
  const job = (
    await db.query<{ id: number }>(
      `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, scope_key) VALUES ($1, 'DMP', 'SEGMENT', 'subs') RETURNING id`,
      [destination],
    )
  ).rows[0]!.id;
  const item = (await db.query<{ id: number }>(`INSERT INTO queue_items (sync_job_id, operation) VALUES ($1, 'ADD') RETURNING id`, [job]))
    .rows[0]!.id;
  const conversion = (
    await db.query<{ id: number }>(
      `INSERT INTO conversion_events (event_id, conversion_name, occurred_at) VALUES ('subs-1', 'Purchase', now()) RETURNING id`,
    )
  ).rows[0]!.id;
  ids = { destination, job, item, conversion };
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

/** For each subscription: a change that makes it deliver an event. A new subscription needs one here. */
const probes: Record<string, () => Promise<unknown>> = {
  syncJobUpdated: () => db.query('UPDATE sync_jobs SET records_total = records_total + 1 WHERE id = $1', [ids.job]),
  queueItemUpdated: () => db.query('UPDATE queue_items SET attempts = attempts + 1 WHERE id = $1', [ids.item]),
  apiCallRecorded: () =>
    db.query(`INSERT INTO api_calls (destination_id, method, url, duration_ms) VALUES ($1, 'POST', 'http://probe.example/x', 1)`, [
      ids.destination,
    ]),
  conversionEventUpdated: () => db.query('UPDATE conversion_events SET attempts = attempts + 1 WHERE id = $1', [ids.conversion]),
};

const codes = (result: { errors?: Array<{ extensions?: Record<string, any> }> }) => (result.errors ?? []).map((e) => e.extensions?.code);

describe('a VIEWER', () => {
  it('may open every subscription in the schema and receives its events', async () => {
    expect(subscriptionFields.length, 'the schema has subscriptions').toBeGreaterThanOrEqual(2);
    const missing = subscriptionFields.filter((name) => !probes[name]);
    expect(missing, 'every subscription has a probe in this test (add one for a new subscription)').toEqual([]);
    const viewer = await t.keyFor('VIEWER');
    for (const name of subscriptionFields) {
      const subscription = subscribe(t.ws(viewer), `subscription { ${name} { __typename } }`);
      await untilListening(subscription, probes[name]!, (p) => p.data?.[name] !== undefined);
      expect(
        subscription.received.every((p) => !p.errors),
        `VIEWER subscribed to ${name} without errors`,
      ).toBe(true);
      subscription.unsubscribe();
    }
  });

  it('is refused a mutation and an admin-only query over graphql-ws, changing nothing', async () => {
    const viewer = await t.keyFor('VIEWER');
    const client = t.ws(viewer);
    const before = await snapshotTables(t.databaseUrl);
    const mutation = subscribe(client, 'mutation { createApiKey(name: "over ws", role: ADMIN) { key } }');
    const ending = await mutation.ended();
    const errors = ending.errors ?? mutation.received.flatMap((p) => p.errors ?? []);
    expect(
      errors.map((e) => e.extensions?.code),
      'a VIEWER mutation over graphql-ws is FORBIDDEN',
    ).toEqual(['FORBIDDEN']);
    const keys = subscribe(client, '{ apiKeys { id } }');
    await keys.ended();
    expect(
      keys.received.flatMap((p) => codes(p)),
      'a VIEWER reading apiKeys over graphql-ws is FORBIDDEN',
    ).toEqual(['FORBIDDEN']);
    expect(
      keys.received.some((p) => p.data?.apiKeys),
      'no key list reaches the VIEWER',
    ).toBe(false);
    expect(await snapshotTables(t.databaseUrl), 'nothing changed').toEqual(before);
  });
});

describe('without a valid key', () => {
  it('no subscription in the schema opens, and nothing is delivered', async () => {
    const revoked = await t.keyFor('VIEWER');
    const { rows } = await db.query<{ id: number }>(`SELECT id FROM api_keys WHERE key_hash = encode(sha256($1::bytea), 'hex')`, [revoked]);
    await t.ok('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: Buffer.from(`ApiKey:${rows[0]!.id}`).toString('base64') });
    for (const name of subscriptionFields) {
      for (const [what, key] of [
        ['no key', null],
        ['a revoked key', revoked],
        ['a made-up key', 'psk_000000000000_' + 'A'.repeat(43)],
      ] as const) {
        const subscription = subscribe(t.ws(key), `subscription { ${name} { __typename } }`);
        await probes[name]!();
        const ending = await subscription.ended();
        expect(ending.closeCode, `${name} with ${what}: the socket is closed as Forbidden (4403)`).toBe(4403);
        expect(subscription.received, `${name} with ${what}: nothing delivered`).toEqual([]);
      }
    }
  });
});
