// Cost and breadth limits, checked before anything executes: a connection returns at most
// MAX_PAGE_SIZE items whatever `first` asks; a document selecting more than MAX_SELECTIONS fields
// (fragments expanded, so a fragment spread many times counts each time) or able to resolve more
// than MAX_COST fields (page sizes multiplied down nested lists) is refused with BAD_USER_INPUT and
// touches no resolver; every query and subscription the dashboard itself sends is within the limits.
import * as dashboardDocuments from '../../../../web/src/lib/gql/graphql.ts';
import { Kind, specifiedRules, validate, type DocumentNode } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedSchema } from '../../../test/support/introspection.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';
import {
  aliasLimitRule,
  costLimitRule,
  depthLimitRule,
  MAX_ALIASES,
  MAX_COST,
  MAX_DEPTH,
  MAX_PAGE_SIZE,
  MAX_SELECTIONS,
} from '../operationLimits.ts';

let t: TestApp;
let db: pg.Client;
beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO destinations (name, type, settings) VALUES ('paged', 'DMP', '{"directory":"/tmp/x"}') RETURNING id`,
  );
  await db.query(
    `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, scope_key) SELECT $1, 'DMP', 'SEGMENT', 'p' || g FROM generate_series(1, 150) g`,
    [rows[0]!.id],
  );
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

const codes = (result: { errors?: Array<{ extensions?: Record<string, any> }> }) => (result.errors ?? []).map((e) => e.extensions?.code);

describe('page size', () => {
  it(`first above ${MAX_PAGE_SIZE} returns ${MAX_PAGE_SIZE} items and says there are more; no first returns the default page`, async () => {
    const huge = await t.ok('{ syncJobs(first: 100000) { totalCount edges { node { id } } pageInfo { hasNextPage } } }');
    expect(huge.syncJobs.totalCount, 'there are 150 jobs').toBe(150);
    expect(huge.syncJobs.edges.length, `first: 100000 is capped at ${MAX_PAGE_SIZE}`).toBe(MAX_PAGE_SIZE);
    expect(huge.syncJobs.pageInfo.hasNextPage, 'the capped page says more follow').toBe(true);
    const byVariable = await t.ok('query($n: Int) { syncJobs(first: $n) { edges { node { id } } } }', { n: 2_000_000_000 });
    expect(byVariable.syncJobs.edges.length, 'first given by variable is capped too').toBe(MAX_PAGE_SIZE);
    const plain = await t.ok('{ syncJobs { edges { node { id } } } }');
    expect(plain.syncJobs.edges.length, 'no first: the default page of 20').toBe(20);
  });
});

describe('breadth and cost', () => {
  it('refuses a document selecting more fields than allowed, counting a fragment each time it is spread', async () => {
    const wide = Array.from({ length: MAX_SELECTIONS + 1 }, () => '__typename').join(' ');
    const result = await t.gql(`{ ${wide} }`);
    expect(codes(result), `${MAX_SELECTIONS + 1} selections are refused with BAD_USER_INPUT`).toEqual(['BAD_USER_INPUT']);
    expect(result.data ?? null, 'nothing ran').toBeNull();
    // fragment amplification: each level spreads the one below it 10 times, 10^4 selections in 5 small fragments
    const fragments = ['fragment F0 on Query { __typename }'];
    for (let i = 1; i <= 4; i++)
      fragments.push(`fragment F${i} on Query { ${Array.from({ length: 10 }, () => `...F${i - 1}`).join(' ')} }`);
    const amplified = await t.gql(`{ ...F4 } ${fragments.join(' ')}`);
    expect(codes(amplified), 'a fragment spread ten times over four levels is refused').toEqual(['BAD_USER_INPUT']);
  });

  it('refuses nested pages whose product exceeds the cost limit, before any resolver runs', async () => {
    const nested = `{ syncJobs(first: 100) { edges { node { id status queueItems(first: 100) { edges { node { id status attempts lastError } } } } } } }`;
    const result = await t.gql(nested);
    expect(codes(result), '100 jobs × 100 items each is refused with BAD_USER_INPUT').toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.message, 'the message says what to do').toMatch(/smaller pages/);
    expect(result.data ?? null, 'nothing ran').toBeNull();
    const smaller = await t.gql(nested.replace('first: 100)', 'first: 10)'));
    expect(smaller.errors, 'the same shape with 10 jobs per page runs').toBeUndefined();
    const aliased = Array.from(
      { length: MAX_ALIASES },
      (_, i) =>
        `a${i}: syncJobs(first: 100) { edges { node { id status stage recordsTotal recordsAdded recordsRemoved recordsRejected recordsFailed error dryRun } } }`,
    ).join(' ');
    expect(codes(await t.gql(`{ ${aliased} }`)), `${MAX_ALIASES} aliased pages of 100 jobs are refused by cost`).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('lets every query and subscription the dashboard sends through', async () => {
    const { schema } = await servedSchema(t);
    const rules = [
      ...specifiedRules,
      depthLimitRule(MAX_DEPTH),
      aliasLimitRule(MAX_ALIASES),
      costLimitRule({ maxSelections: MAX_SELECTIONS, maxCost: MAX_COST }),
    ];
    const operations = Object.entries(dashboardDocuments as Record<string, unknown>).filter(
      ([name, value]) =>
        name.endsWith('Document') && (value as DocumentNode)?.definitions?.some((d) => d.kind === Kind.OPERATION_DEFINITION),
    );
    expect(operations.length, 'the dashboard has documents').toBeGreaterThan(5);
    for (const [name, document] of operations) {
      const errors = validate(schema, document as DocumentNode, rules);
      expect(
        errors.map((e) => e.message),
        `the dashboard's ${name} is within every limit`,
      ).toEqual([]);
    }
  });
});
