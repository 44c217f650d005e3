// Persisted-operation friendly: a query can be sent as GET /graphql?query=...&variables=... (so a
// CDN or a client's persisted-query layer can cache it by URL), with the key in the Authorization
// header as usual; a mutation over GET is refused (405) and changes nothing, so a link or an image
// tag can never change data.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { snapshotTables } from '../../../test/support/tableSnapshot.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

const get = (params: Record<string, string>, key: string | null = t.adminKey) =>
  fetch(`${t.url}/graphql?${new URLSearchParams(params)}`, {
    headers: { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
  });

it('answers a query sent over GET, with variables, for any role that may read', async () => {
  const viewer = await t.keyFor('VIEWER');
  const response = await get(
    { query: 'query($n: Int) { syncJobs(first: $n) { totalCount } }', variables: JSON.stringify({ n: 5 }) },
    viewer,
  );
  expect(response.status, 'GET query answers 200').toBe(200);
  expect(await response.json(), 'GET query returns its data').toEqual({ data: { syncJobs: { totalCount: 0 } } });
  const anonymous = await get({ query: '{ destinations { id } }' }, null);
  expect(anonymous.status, 'GET without a key is 401').toBe(401);
  await anonymous.arrayBuffer();
});

it('refuses a mutation sent over GET with 405 and changes nothing', async () => {
  const before = await snapshotTables(t.databaseUrl);
  const response = await get({ query: 'mutation { createApiKey(name: "over get", role: ADMIN) { key } }' });
  const body = (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> };
  expect(response.status, 'a mutation over GET is refused with 405').toBe(405);
  expect(
    body.errors?.map((e) => e.extensions?.code),
    'refused with BAD_USER_INPUT',
  ).toEqual(['BAD_USER_INPUT']);
  expect(body.data ?? null, 'no data').toBeNull();
  expect(await snapshotTables(t.databaseUrl), 'nothing changed').toEqual(before);
});
