// One operation per request: a JSON array of operations (batching) is refused whole with
// BAD_USER_INPUT (HTTP 400) and none of its operations runs, so batching cannot multiply the
// per-request limits (depth, aliases, cost, the mutation rate limit).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { snapshotTables } from '../../../test/support/tableSnapshot.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

it('refuses a batch of operations with 400 and runs none of them', async () => {
  const before = await snapshotTables(t.databaseUrl);
  const batch = Array.from({ length: 3 }, (_, i) => ({ query: `mutation { createApiKey(name: "batched ${i}", role: VIEWER) { key } }` }));
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
    body: JSON.stringify(batch),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> } | unknown[];
  expect(response.status, 'a batched request is refused with HTTP 400').toBe(400);
  expect(Array.isArray(body), 'the answer is one refusal, not a list of results').toBe(false);
  expect(
    (body as { errors?: Array<{ extensions?: Record<string, unknown> }> }).errors?.map((e) => e.extensions?.code),
    'refused with BAD_USER_INPUT',
  ).toEqual(['BAD_USER_INPUT']);
  expect(await snapshotTables(t.databaseUrl), 'no operation of the batch ran').toEqual(before);
  const { apiKeys } = await t.ok('{ apiKeys { name } }');
  expect(
    apiKeys.map((k: { name: string }) => k.name).filter((n: string) => n.startsWith('batched')),
    'no batched key was made',
  ).toEqual([]);
});

it('refuses a batch of one as well', async () => {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
    body: JSON.stringify([{ query: '{ destinations { id } }' }]),
  });
  expect(response.status, 'a one-element batch is refused with 400').toBe(400);
  await response.arrayBuffer();
});
