// A lone UTF-16 surrogate (a JSON "\ud800" escape) is no character: PostgreSQL would store it as
// U+FFFD in a text column, or fail on it in jsonb. The whole call is refused with BAD_USER_INPUT,
// naming the record and field, and nothing is written.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

let t: TestApp;
let db: pg.Client;
beforeAll(async () => {
  t = await startTestApp({ env: { PAIDSYNC_ROLE: 'api' } });
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

const UPSERT = `mutation($customers: [CustomerInput!]!) { upsertCustomers(customers: $customers) { count } }`;

it.each([
  ['an external id', { externalId: 'lone \ud800' }, 'externalId'],
  ['a first name', { externalId: 's-1', firstName: 'Ann \udc00' }, 'firstName'],
  ['an attribute value', { externalId: 's-2', attributes: { note: ['fine', 'lone \ud800'] } }, 'attributes'],
  ['an attribute key', { externalId: 's-3', attributes: { 'key \udfff': 1 } }, 'attributes'],
])('refuses a lone surrogate in %s, and writes nothing', async (_what, record, field) => {
  const result = await t.gql(UPSERT, { customers: [{ externalId: 'fine-1', email: 'fine@example.com' }, record] });
  expect(result.errors?.[0]?.extensions, 'a coded refusal that points at the record').toMatchObject({
    code: 'BAD_USER_INPUT',
    index: 1,
    field,
  });
  expect(result.errors?.[0]?.message, 'the message names the record and the field').toMatch(new RegExp(`^customers\\[1\\].*${field}`));
  const { rows } = await db.query('SELECT count(*)::int AS n FROM customers');
  expect(rows[0].n, 'no customer written').toBe(0);
});
