// The same Idempotency-Key with another operation or other variables is refused with CONFLICT and
// runs nothing; keys are per API key; a malformed key is BAD_USER_INPUT; queries ignore the header.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeId } from '../graphql/ids.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';
import { postGraphQL } from '../../test/support/postGraphQL.ts';

let s: SyncScenario;
let db: pg.Pool;
let destination: string;
let segment: string;

const TRIGGER = 'mutation($s: ID!, $d: Boolean) { triggerSegmentSync(segmentId: $s, dryRun: $d) { id } }';

beforeAll(async () => {
  s = await startSyncScenario();
  db = new pg.Pool({ connectionString: s.t.databaseUrl, max: 2 });
  destination = await s.webDestination('conflict');
  await s.customers(makeCustomers(2, 'conflict'));
  segment = await s.segment('Conflict', [destination], ['conflict-0', 'conflict-1']);
});
afterAll(async () => {
  await db?.end();
  await s?.stop();
});

const send = (query: string, variables: Record<string, unknown>, idempotencyKey: string, apiKey = s.t.adminKey) =>
  postGraphQL(s.t.url, { apiKey, query, variables, idempotencyKey });

async function jobCount(): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sync_jobs');
  return rows[0]!.n;
}

it('other variables with a used key: CONFLICT (IDEMPOTENCY_KEY_REUSED, HTTP 422), no job', async () => {
  const first = await send(TRIGGER, { s: segment, d: false }, 'conflict-1');
  expect(first.errors, JSON.stringify(first.errors)).toBeUndefined();
  const before = await jobCount();
  const other = await send(TRIGGER, { s: segment, d: true }, 'conflict-1');
  expect(other.errors?.[0]?.extensions, JSON.stringify(other.errors)).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
  expect(other.status).toBe(422);
  expect(other.data ?? null, 'nothing ran').toBeNull();
  expect(await jobCount(), 'no job was made').toBe(before);
  const same = await send(TRIGGER, { d: false, s: segment }, 'conflict-1');
  expect(same, 'variables in another order are the same request').toEqual(first);
});

it('another operation with a used key: CONFLICT, nothing runs', async () => {
  await send(TRIGGER, { s: segment }, 'conflict-2');
  const before = await jobCount();
  const other = await send(
    'mutation($i: PaidRequestInput!) { requestPaidAction(input: $i) { id } }',
    { i: { source: 'REALTIME_EVENT', issue: 'I', group: 'G', customerExternalIds: ['conflict-0'], destinationIds: [destination] } },
    'conflict-2',
  );
  expect(other.errors?.[0]?.extensions?.code, JSON.stringify(other.errors)).toBe('CONFLICT');
  const moreFields = await send(
    'mutation($s: ID!, $d: Boolean) { triggerSegmentSync(segmentId: $s, dryRun: $d) { id status } }',
    { s: segment },
    'conflict-2',
  );
  expect(moreFields.errors?.[0]?.extensions?.code, 'another selection is another operation').toBe('CONFLICT');
  expect(await jobCount()).toBe(before);
});

it('requestPaidAction and retrySyncJob with a used key and other variables: CONFLICT, nothing runs', async () => {
  const paid = 'mutation($i: PaidRequestInput!) { requestPaidAction(input: $i) { id } }';
  const input = (customer: string) => ({
    i: { source: 'REALTIME_EVENT', issue: 'I', group: 'G', customerExternalIds: [customer], destinationIds: [destination] },
  });
  expect((await send(paid, input('conflict-0'), 'conflict-paid')).errors).toBeUndefined();
  const before = await jobCount();
  const other = await send(paid, input('conflict-1'), 'conflict-paid');
  expect(other.errors?.[0]?.extensions, JSON.stringify(other.errors)).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
  expect(await jobCount(), 'no job was made').toBe(before);

  const retry = 'mutation($id: ID!) { retrySyncJob(id: $id) { id status } }';
  const first = await send(retry, { id: encodeId('SyncJob', 999_998) }, 'conflict-retry');
  expect(first.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const otherJob = await send(retry, { id: encodeId('SyncJob', 999_999) }, 'conflict-retry');
  expect(otherJob.errors?.[0]?.extensions, JSON.stringify(otherJob.errors)).toMatchObject({
    code: 'CONFLICT',
    reason: 'IDEMPOTENCY_KEY_REUSED',
  });
});

it('keys belong to their API key: the same key from another API key is another request', async () => {
  const operator = await s.t.keyFor('OPERATOR');
  const mine = await send(TRIGGER, { s: segment }, 'conflict-3');
  const theirs = await send(TRIGGER, { s: segment }, 'conflict-3', operator);
  expect(theirs.errors, JSON.stringify(theirs.errors)).toBeUndefined();
  expect(theirs.data.triggerSegmentSync[0].id, 'their request ran on its own').not.toBe(mine.data.triggerSegmentSync[0].id);
});

it('a malformed key is BAD_USER_INPUT and runs nothing; a query ignores the header', async () => {
  const before = await jobCount();
  for (const key of ['', 'x'.repeat(256), 'naïve-key']) {
    const answer = await send(TRIGGER, { s: segment }, key);
    expect(answer.errors?.[0]?.extensions?.code, `key ${JSON.stringify(key.slice(0, 20))}: ${JSON.stringify(answer.errors)}`).toBe(
      'BAD_USER_INPUT',
    );
  }
  expect(await jobCount()).toBe(before);
  const quoted = await send(TRIGGER, { s: segment }, '"8e03978e-40d5-43e8-bc93-6894a57f9324"');
  expect(quoted.errors, 'the draft’s quoted form is accepted').toBeUndefined();
  const query = await send('{ segments { id } }', {}, 'conflict-3');
  expect(query.errors, 'a query is not a mutation: the key does not apply').toBeUndefined();
});
