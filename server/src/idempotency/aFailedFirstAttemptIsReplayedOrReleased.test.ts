// What a repeat gets when the first attempt did not simply succeed. A refusal that depends only on
// the request (bad input, not found) is the answer: replayed as it was. A first attempt whose
// process died (its claim unanswered, its lease lapsed) has released the key: the repeat runs. A
// first attempt still running makes the repeat wait for its answer, or, past the wait, get a
// retryable CONFLICT (IDEMPOTENCY_KEY_IN_PROGRESS, HTTP 409, Retry-After). A fault of the server's
// (masked as INTERNAL_SERVER_ERROR) releases the key at once: the repeat runs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeId } from '../graphql/ids.ts';
import { useIdempotencyKeys } from '../graphql/useIdempotencyKeys.ts';
import { createLogger } from '../logger.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';
import { postGraphQL } from '../../test/support/postGraphQL.ts';

let s: SyncScenario;
let db: pg.Pool;
let segment: string;

const TRIGGER = 'mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }';

beforeAll(async () => {
  s = await startSyncScenario();
  db = new pg.Pool({ connectionString: s.t.databaseUrl, max: 2 });
  const destination = await s.webDestination('failed-first');
  await s.customers(makeCustomers(2, 'ff'));
  segment = await s.segment('Failed first', [destination], ['ff-0', 'ff-1']);
});
afterAll(async () => {
  await db?.end();
  await s?.stop();
});

const send = (variables: Record<string, unknown>, idempotencyKey: string) =>
  postGraphQL(s.t.url, { apiKey: s.t.adminKey, query: TRIGGER, variables, idempotencyKey });

async function jobCount(): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sync_jobs');
  return rows[0]!.n;
}

it('bad input and not-found refusals are stored and replayed as they were', async () => {
  const bad = await send({ s: 'not-an-id' }, 'ff-bad');
  expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(await send({ s: 'not-an-id' }, 'ff-bad'), 'the same refusal').toEqual(bad);
  const missing = await send({ s: encodeId('Segment', 999_999) }, 'ff-missing');
  expect(missing.errors?.[0]?.extensions?.code, JSON.stringify(missing.errors)).toBe('NOT_FOUND');
  expect(await send({ s: encodeId('Segment', 999_999) }, 'ff-missing')).toEqual(missing);
  const { rows } = await db.query("SELECT answer FROM idempotency_keys WHERE key IN ('ff-bad', 'ff-missing')");
  expect(rows.map((r) => r.answer.errors?.[0]?.extensions?.code).sort()).toEqual(['BAD_USER_INPUT', 'NOT_FOUND']);
});

it('a first attempt that died mid-way (unanswered, lease lapsed) releases the key: the repeat runs', async () => {
  const first = await send({ s: segment }, 'ff-died');
  // as the row looks when the process died after claiming, before answering
  await db.query("UPDATE idempotency_keys SET answer = NULL, lease_expires_at = now() - interval '1 second' WHERE key = 'ff-died'");
  const before = await jobCount();
  const repeat = await send({ s: segment }, 'ff-died');
  expect(repeat.errors, JSON.stringify(repeat.errors)).toBeUndefined();
  expect(repeat.data.triggerSegmentSync[0].id, 'it ran afresh').not.toBe(first.data.triggerSegmentSync[0].id);
  expect(await jobCount()).toBe(before + 1);
  expect(await send({ s: segment }, 'ff-died'), 'and its answer is the one kept now').toEqual(repeat);
});

it('a repeat while the first still runs waits for its answer', async () => {
  const first = await send({ s: segment }, 'ff-running');
  const { rows } = await db.query("SELECT answer FROM idempotency_keys WHERE key = 'ff-running'");
  // the first attempt, as seen while it runs: no answer yet, a live lease
  await db.query("UPDATE idempotency_keys SET answer = NULL, lease_expires_at = now() + interval '1 minute' WHERE key = 'ff-running'");
  const before = await jobCount();
  const repeat = send({ s: segment }, 'ff-running');
  await new Promise((r) => setTimeout(r, 500));
  await db.query("UPDATE idempotency_keys SET answer = $1 WHERE key = 'ff-running'", [rows[0].answer]);
  expect(await repeat, 'the repeat got the first answer once it was stored').toEqual(first);
  expect(await jobCount(), 'and ran nothing').toBe(before);
});

it('a repeat whose first attempt outlasts the wait is told to retry', async () => {
  await send({ s: segment }, 'ff-slow');
  await db.query("UPDATE idempotency_keys SET answer = NULL, lease_expires_at = now() + interval '1 minute' WHERE key = 'ff-slow'");
  const before = await jobCount();
  const repeat = await send({ s: segment }, 'ff-slow');
  expect(repeat.errors?.[0]?.extensions, JSON.stringify(repeat.errors)).toMatchObject({
    code: 'CONFLICT',
    reason: 'IDEMPOTENCY_KEY_IN_PROGRESS',
    retryAfterSeconds: 1,
  });
  expect({ status: repeat.status, retryAfter: repeat.retryAfter }).toEqual({ status: 409, retryAfter: '1' });
  expect(await jobCount()).toBe(before);
});

it('a first attempt that ended in a server fault releases the key: the repeat runs and its answer is kept', async () => {
  // the plugin alone on a yoga server over real HTTP, with a mutation that fails its first run
  let runs = 0;
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: 'type Query { ok: Int } type Mutation { flaky: Int }',
      resolvers: {
        Mutation: {
          flaky: () => {
            runs++;
            if (runs === 1) throw new Error('database connection lost');
            return runs;
          },
        },
      },
    }),
    context: () => ({ principal: { keyId: 424242, role: 'OPERATOR' } }),
    plugins: [useIdempotencyKeys({ pool: db, logger: createLogger({ level: 'error' }) })],
    logging: false,
  });
  const server = http.createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const call = () => postGraphQL(url, { apiKey: 'unused', query: 'mutation { flaky }', idempotencyKey: 'ff-fault' });
    const faulted = await call();
    expect(faulted.errors?.[0]?.extensions?.code, JSON.stringify(faulted.errors)).toBe('INTERNAL_SERVER_ERROR');
    const { rowCount } = await db.query("SELECT 1 FROM idempotency_keys WHERE key = 'ff-fault'");
    expect(rowCount, 'the fault released the key').toBe(0);
    const repeat = await call();
    expect(repeat.data, 'the repeat ran afresh').toEqual({ flaky: 2 });
    expect(await call(), 'and its answer is the one kept').toEqual(repeat);
    expect(runs).toBe(2);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
