// A rate limit per API key on mutations: past its budget a key's mutation is refused whole with
// RATE_LIMITED (HTTP 429 and Retry-After), writes nothing, and other keys and the same key's queries
// are not affected. capturePaidResponse, the high-volume ingestion path, has a budget of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../../../test/support/subscription.ts';
import { snapshotTables } from '../../../test/support/tableSnapshot.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';
import { loadConfig } from '../../config.ts';
import { createMutationRateLimiter } from '../apiKeyRateLimit.ts';

const MUTATIONS = 5;
const CAPTURES = 8;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    env: { PAIDSYNC_MUTATIONS_PER_MINUTE_PER_KEY: String(MUTATIONS), PAIDSYNC_CAPTURES_PER_MINUTE_PER_KEY: String(CAPTURES) },
  });
});
afterAll(() => t?.stop());

async function post(key: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> };
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body,
    codes: (body.errors ?? []).map((e) => e.extensions?.code),
  };
}

const upsert = (id: string) => `mutation { upsertCustomers(customers: [{ externalId: "${id}" }]) { count } }`;
const capture = (id: string) =>
  `mutation { capturePaidResponse(input: { eventId: "${id}", conversionName: "Purchase", occurredAt: "${new Date().toISOString()}", clickId: "c-${id}" }) { duplicate } }`;

describe('mutations', () => {
  it(`allow ${MUTATIONS} a minute per key, then refuse with RATE_LIMITED, 429 and Retry-After, writing nothing`, async () => {
    const key = await t.keyFor('OPERATOR');
    for (let i = 0; i < MUTATIONS; i++) {
      const ok = await post(key, upsert(`rl-${i}`));
      expect(ok.codes, `mutation ${i + 1} of ${MUTATIONS} is allowed`).toEqual([]);
    }
    const before = await snapshotTables(t.databaseUrl);
    const refused = await post(key, upsert('rl-over'));
    expect(refused.status, 'the refused request is HTTP 429').toBe(429);
    expect(refused.codes, 'refused with RATE_LIMITED').toEqual(['RATE_LIMITED']);
    expect(Number(refused.retryAfter), 'Retry-After says when to try again (seconds)').toBeGreaterThanOrEqual(1);
    expect(refused.body.errors![0]!.extensions!.retryAfterSeconds, 'the error says it too').toBe(Number(refused.retryAfter));
    expect(refused.body.errors![0]!.extensions!.http, 'transport details are not in the error').toBeUndefined();
    expect(refused.body.data ?? null, 'no data').toBeNull();
    expect(await snapshotTables(t.databaseUrl), 'the refused mutation wrote nothing').toEqual(before);

    const read = await post(key, '{ syncJobs(first: 1) { totalCount } }');
    expect(read.codes, 'the same key may still read').toEqual([]);
    const other = await post(await t.keyFor('OPERATOR'), upsert('rl-other'));
    expect(other.codes, 'another key has a budget of its own').toEqual([]);

    const overWs = subscribe(t.ws(key), upsert('rl-ws'));
    const ending = await overWs.ended();
    const errors = ending.errors ?? overWs.received.flatMap((p) => p.errors ?? []);
    expect(
      errors.map((e) => e.extensions?.code),
      'over graphql-ws the key is limited too',
    ).toEqual(['RATE_LIMITED']);
  });

  it('refuse a request whose mutations do not all fit, running none of them', async () => {
    const key = await t.keyFor('OPERATOR');
    for (let i = 0; i < MUTATIONS - 1; i++) expect((await post(key, upsert(`fit-${i}`))).codes, 'within the budget').toEqual([]);
    const before = await snapshotTables(t.databaseUrl);
    const two = await post(
      key,
      `mutation { a: ${upsert('fit-a').slice('mutation { '.length, -2)} b: ${upsert('fit-b').slice('mutation { '.length, -2)} }`,
    );
    expect(two.codes, 'two mutations with one token left are refused').toEqual(['RATE_LIMITED']);
    expect(await snapshotTables(t.databaseUrl), 'neither ran').toEqual(before);
    expect((await post(key, upsert('fit-last'))).codes, 'the one token left is still there').toEqual([]);
  });
});

describe('capturePaidResponse', () => {
  it(`has its own budget (${CAPTURES} a minute here): a key out of mutations still captures, then is limited`, async () => {
    const key = await t.keyFor('OPERATOR');
    for (let i = 0; i < MUTATIONS; i++) await post(key, upsert(`cap-${i}`));
    expect((await post(key, upsert('cap-over'))).codes, 'the key is out of mutations').toEqual(['RATE_LIMITED']);
    for (let i = 0; i < CAPTURES; i++) {
      expect((await post(key, capture(`cap-event-${i}`))).codes, `capture ${i + 1} of ${CAPTURES} is allowed`).toEqual([]);
    }
    const refused = await post(key, capture('cap-event-over'));
    expect([refused.status, ...refused.codes], 'the next capture is refused with 429 RATE_LIMITED').toEqual([429, 'RATE_LIMITED']);
  });
});

describe('the budgets', () => {
  it('refill continuously, to one minute of budget at most', () => {
    let now = 0;
    const limiter = createMutationRateLimiter({ mutationsPerMinute: 60, capturesPerMinute: 600, now: () => now });
    for (let i = 0; i < 60; i++) expect(limiter.take(1, { mutations: 1, captures: 0 }).ok, `burst mutation ${i + 1}`).toBe(true);
    const refusal = limiter.take(1, { mutations: 1, captures: 0 });
    expect(refusal, 'the 61st in the same instant is refused, retry in a second').toMatchObject({ ok: false, retryAfterSeconds: 1 });
    now += 1000;
    expect(limiter.take(1, { mutations: 1, captures: 0 }).ok, 'a second later one more is allowed').toBe(true);
    expect(limiter.take(1, { mutations: 1, captures: 0 }).ok, 'but not two').toBe(false);
    now += 3_600_000;
    for (let i = 0; i < 60; i++) limiter.take(1, { mutations: 1, captures: 0 });
    expect(limiter.take(1, { mutations: 1, captures: 0 }).ok, 'an hour idle refills one minute of budget, no more').toBe(false);
  });

  it('are by default generous enough for the benchmarks: 2,000 captures a second with one key', () => {
    const config = loadConfig({});
    expect(config.capturesPerMinutePerKey, 'the capture budget allows 2,000/s sustained with room to spare').toBeGreaterThanOrEqual(
      2000 * 60 * 2,
    );
    expect(config.mutationsPerMinutePerKey, 'other mutations: 20 a second sustained').toBe(1200);
  });
});
