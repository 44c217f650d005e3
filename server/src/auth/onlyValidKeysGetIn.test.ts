// Without a valid, unrevoked API key nothing gets in: over HTTP, over graphql-ws, and an open
// subscription ends the moment its key is revoked.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe, syncJobProbe, untilListening } from '../../test/support/subscription.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';
import { createTestDatabase } from '../../test/support/testDatabase.ts';

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

const codes = (result: { errors?: Array<{ extensions?: Record<string, any> }> }) => (result.errors ?? []).map((e) => e.extensions?.code);

async function post(headers: Record<string, string>, query = '{ destinations { id } }') {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: Record<string, any> }> },
  };
}

async function keyId(key: string) {
  const { apiKeys } = await t.ok<{ apiKeys: Array<{ id: string; name: string }> }>('{ apiKeys { id name } }');
  const { rows } = await db.query<{ id: number }>(`SELECT id FROM api_keys WHERE key_hash = encode(sha256($1::bytea), 'hex')`, [key]);
  const id = apiKeys.find((k) => Buffer.from(k.id, 'base64').toString() === `ApiKey:${rows[0]!.id}`)?.id;
  expect(id, 'the key is listed').toBeDefined();
  return id!;
}

describe('over HTTP', () => {
  it('a request without a key is UNAUTHENTICATED (401) and gets no data', async () => {
    const { status, body } = await post({});
    expect(status, 'HTTP status without a key').toBe(401);
    expect(codes(body), 'code without a key').toEqual(['UNAUTHENTICATED']);
    expect(body.data ?? null, 'no data without a key').toBeNull();
  });

  it('a made-up key, a malformed header and an empty bearer are UNAUTHENTICATED', async () => {
    for (const header of ['Bearer psk_thisKeyWasNeverIssued0000000000000000000', 'psk_noBearerWord', 'Bearer ', 'Basic dXNlcjpwYXNz']) {
      const { status, body } = await post({ authorization: header });
      expect(codes(body), `code for authorization "${header}"`).toEqual(['UNAUTHENTICATED']);
      expect(status, `HTTP status for authorization "${header}"`).toBe(401);
    }
  });

  it('a revoked key stops working on the very next request', async () => {
    const key = await t.keyFor('OPERATOR');
    expect(codes((await post({ authorization: `Bearer ${key}` })).body), 'the new key works').toEqual([]);
    await t.ok('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: await keyId(key) });
    const { status, body } = await post({ authorization: `Bearer ${key}` });
    expect(codes(body), 'the revoked key is refused').toEqual(['UNAUTHENTICATED']);
    expect(status, 'HTTP status for a revoked key').toBe(401);
  });
});

describe('over graphql-ws', () => {
  it('a connection without a key is refused', async () => {
    const subscription = subscribe(t.ws(null), 'subscription { syncJobUpdated { id } }');
    const ending = await subscription.ended();
    expect(ending.closeCode, 'the socket is closed as Forbidden (4403)').toBe(4403);
    expect(subscription.received, 'nothing was delivered').toEqual([]);
  });

  it('a connection with a made-up or revoked key is refused', async () => {
    const revoked = await t.keyFor('VIEWER');
    await t.ok('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: await keyId(revoked) });
    for (const key of ['psk_thisKeyWasNeverIssued0000000000000000000', revoked]) {
      const subscription = subscribe(t.ws(key), 'subscription { syncJobUpdated { id } }');
      const ending = await subscription.ended();
      expect(ending.closeCode, 'the socket is closed as Forbidden (4403)').toBe(4403);
    }
  });

  it('an open subscription ends with UNAUTHENTICATED when its key is revoked, and others keep theirs', async () => {
    const { id: probeId, poke, isProbe } = await syncJobProbe(db, 'revocation dmp');

    const doomedKey = await t.keyFor('VIEWER');
    const survivorKey = await t.keyFor('VIEWER');
    const doomed = subscribe(t.ws(doomedKey), 'subscription { syncJobUpdated { id recordsTotal } }');
    const survivor = subscribe(t.ws(survivorKey), 'subscription { syncJobUpdated { id recordsTotal } }');
    await untilListening(doomed, poke, isProbe);
    await untilListening(survivor, poke, isProbe);

    await t.ok('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: await keyId(doomedKey) });
    const ending = await doomed.ended();
    expect(
      ending.errors?.map((e) => e.extensions?.code),
      'the subscription ends with UNAUTHENTICATED',
    ).toEqual(['UNAUTHENTICATED']);

    const { rows: after } = await db.query<{ records_total: number }>(
      'UPDATE sync_jobs SET records_total = 1000 WHERE id = $1 RETURNING records_total',
      [probeId],
    );
    await survivor.next((p) => p.data?.syncJobUpdated?.recordsTotal === after[0]!.records_total, 'the other key still gets events');
    expect(
      doomed.received.some((p) => p.data?.syncJobUpdated?.recordsTotal === 1000),
      'the revoked key got nothing after revocation',
    ).toBe(false);
  });

  it('revoking a key through one API process ends its subscription on another process', async () => {
    const database = await createTestDatabase();
    const first = await startTestApp({ database });
    const second = await startTestApp({ database });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const key = await first.keyFor('VIEWER');
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO destinations (name, type, settings) VALUES ('two processes', 'DMP', '{"directory":"/tmp/x"}') RETURNING id`,
      );
      const { rows: jobs } = await client.query<{ id: number }>(
        `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, scope_key) VALUES ($1, 'DMP', 'SEGMENT', 'probe') RETURNING id`,
        [rows[0]!.id],
      );
      const onSecond = subscribe(second.ws(key), 'subscription { syncJobUpdated { id recordsTotal } }');
      await untilListening(
        onSecond,
        () => client.query('UPDATE sync_jobs SET records_total = records_total + 1 WHERE id = $1', [jobs[0]!.id]),
        (p) => p.data?.syncJobUpdated !== undefined,
      );
      const { rows: keyRows } = await client.query<{ id: number }>(
        `SELECT id FROM api_keys WHERE key_hash = encode(sha256($1::bytea), 'hex')`,
        [key],
      );
      await first.ok('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', {
        id: Buffer.from(`ApiKey:${keyRows[0]!.id}`).toString('base64'),
      });
      const ending = await onSecond.ended();
      expect(
        ending.errors?.map((e) => e.extensions?.code),
        'the other process ended the subscription with UNAUTHENTICATED',
      ).toEqual(['UNAUTHENTICATED']);
    } finally {
      await client.end();
      await second.stop();
      await first.stop();
      await database.drop();
    }
  });
});
