// ApiCall request and response bodies hold hashed identifiers and what destinations answered: a
// VIEWER key sees every call's method, URL and status, but not its bodies, over HTTP and live.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { subscribe } from '../../../test/support/subscription.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';

let t: TestApp;
let db: pg.Client;
let destinationId: number;
beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  destinationId = (
    await db.query<{ id: number }>(
      `INSERT INTO destinations (name, type, settings) VALUES ('inspected', 'WEB', '{"url":"https://crm.example.com/hook"}') RETURNING id`,
    )
  ).rows[0]!.id;
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

const recordCall = () =>
  db.query(
    `INSERT INTO api_calls (destination_id, method, url, status_code, duration_ms, request_body, response_body)
     VALUES ($1, 'POST', 'https://crm.example.com/hook', 200, 12, '{"records":[{"em":"5f4dcc3b"}]}', '{"results":[]}')`,
    [destinationId],
  );
const QUERY = '{ apiCalls(first: 10) { edges { node { method url statusCode requestBody responseBody } } } }';

it('shows bodies to OPERATOR and ADMIN keys and not to VIEWER keys', async () => {
  await recordCall();
  const viewer = await t.keyFor('VIEWER');
  const operator = await t.keyFor('OPERATOR');
  const seenBy = async (key: string) => (await t.ok<any>(QUERY, {}, key)).apiCalls.edges[0].node;
  expect(await seenBy(viewer), 'a VIEWER sees the call without its bodies').toEqual({
    method: 'POST',
    url: 'https://crm.example.com/hook',
    statusCode: 200,
    requestBody: null,
    responseBody: null,
  });
  for (const key of [operator, t.adminKey]) {
    const node = await seenBy(key);
    expect(node.requestBody, 'an OPERATOR or ADMIN sees the request body').toContain('records');
    expect(node.responseBody, 'and the response body').toContain('results');
  }
});

it('keeps the bodies from a VIEWER subscription too', async () => {
  const viewer = await t.keyFor('VIEWER');
  const live = subscribe(t.ws(viewer), 'subscription { apiCallRecorded { method requestBody responseBody } }');
  const poll = setInterval(() => void recordCall(), 200);
  try {
    const payload = await live.next((p) => p.data?.apiCallRecorded !== undefined, 'an API call, live');
    expect(payload.data.apiCallRecorded, 'the live call has no bodies for a VIEWER').toEqual({
      method: 'POST',
      requestBody: null,
      responseBody: null,
    });
  } finally {
    clearInterval(poll);
    live.unsubscribe();
  }
});
