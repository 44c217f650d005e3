// Subscribers of the same subscription (same text, same variables) with the same role share one
// execution per event, so a thousand dashboards watching jobs cost one execution, not a thousand.
// Sharing must change nothing a subscriber sees: each still gets only the events its filter
// accepts, a VIEWER and an ADMIN are executed apart and each gets what its role permits, and where a
// result could depend on the key itself it is shared only by subscribers of that key.
import {
  GraphQLError,
  GraphQLID,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type ExecutionResult,
} from 'graphql';
import { createYoga, Repeater } from 'graphql-yoga';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { subscribe, untilListening, type Received, type Subscription } from '../../test/support/subscription.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';
import { retryRefusal } from '../pipeline/retryRule.ts';
import { useSharedEventExecution } from './sharedEventExecution.ts';

// SyncJob.canRetry asks retryRefusal once per execution of the field: counting its calls for a job
// counts how many times that job's event was executed
vi.mock('../pipeline/retryRule.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../pipeline/retryRule.ts')>();
  return { ...original, retryRefusal: vi.fn(original.retryRefusal) };
});
const executionsOf = (jobId: number) => vi.mocked(retryRefusal).mock.calls.filter(([, job]) => job.id === jobId).length;

describe('on the served schema', () => {
  let t: TestApp;
  let db: pg.Client;
  let destinationId: number;

  beforeAll(async () => {
    t = await startTestApp();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO destinations (name, type, settings) VALUES ('shared dmp', 'DMP', '{"directory":"/tmp/shared"}') RETURNING id`,
    );
    destinationId = rows[0]!.id;
  });
  afterAll(async () => {
    await db?.end();
    await t?.stop();
  });
  // a test's subscriptions end with it, pass or fail, so none is executed for the next test's jobs
  const opened: Subscription[] = [];
  afterEach(() => {
    for (const s of opened.splice(0)) s.unsubscribe();
  });

  const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
  const JOBS = `subscription($filter: SyncJobFilter) { syncJobUpdated(filter: $filter) { id status syncType canRetry destination { name } } }`;

  async function insertJob(syncType: string, scopeKey: string) {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, scope_key) VALUES ($1, 'DMP', $2, $3) RETURNING id`,
      [destinationId, syncType, scopeKey],
    );
    return rows[0]!.id;
  }
  const jobIs = (id: number, status?: string) => (p: Received) =>
    p.data?.syncJobUpdated?.id === globalId('SyncJob', id) && (status === undefined || p.data.syncJobUpdated.status === status);

  /** opens the subscriptions and waits until each has seen a change to a probe job its filter accepts */
  async function listening(subscribers: Array<{ key: string; filter?: { syncType: string } }>) {
    const subscriptions: Subscription[] = [];
    for (const { key, filter } of subscribers) {
      const probe = await insertJob(filter?.syncType ?? 'SEGMENT', `probe-${subscriptions.length}-${Date.now()}`);
      const poke = () => db.query('UPDATE sync_jobs SET records_added = records_added + 1 WHERE id = $1', [probe]);
      const subscription = subscribe(t.ws(key), JOBS, filter ? { filter } : undefined);
      opened.push(subscription);
      await untilListening(subscription, poke, jobIs(probe));
      subscriptions.push(subscription);
    }
    return subscriptions;
  }

  it('identical subscriptions of one role execute an event once, and every subscriber receives it', async () => {
    const [viewerA, viewerB] = [await t.keyFor('VIEWER'), await t.keyFor('VIEWER')];
    const job = await insertJob('SEGMENT', 'shared-once');
    const subscriptions = await listening([{ key: viewerA }, { key: viewerA }, { key: viewerA }, { key: viewerB }, { key: viewerB }]);
    // each subscription has seen every event before its probe's, so this counts the update alone
    const before = executionsOf(job);
    await db.query(`UPDATE sync_jobs SET status = 'FAILED', failure_layer = 'SYNC' WHERE id = $1`, [job]);
    const received = await Promise.all(subscriptions.map((s) => s.next(jobIs(job, 'FAILED'), 'the FAILED job on every subscription')));

    expect(executionsOf(job) - before, 'five VIEWER subscribers, one execution of the event').toBe(1);
    expect(
      received.map((p) => p.data),
      'every subscriber got the same payload',
    ).toEqual(
      Array(5).fill({
        syncJobUpdated: {
          id: globalId('SyncJob', job),
          status: 'FAILED',
          syncType: 'SEGMENT',
          canRetry: true,
          destination: { name: 'shared dmp' },
        },
      }),
    );
  });

  it('a VIEWER and an ADMIN with the same subscription are executed apart', async () => {
    const subscriptions = await listening([{ key: await t.keyFor('VIEWER') }, { key: t.adminKey }]);
    const job = await insertJob('SEGMENT', 'per-role');
    await Promise.all(subscriptions.map((s) => s.next(jobIs(job), 'the new job on both subscriptions')));
    expect(executionsOf(job), 'one execution per role').toBe(2);
  });

  it('each subscriber still gets only the jobs its own filter accepts', async () => {
    const viewer = await t.keyFor('VIEWER');
    const [segments, nextBestActions] = await listening([
      { key: viewer, filter: { syncType: 'SEGMENT' } },
      { key: viewer, filter: { syncType: 'NEXT_BEST_ACTION' } },
    ]);

    const segmentJob = await insertJob('SEGMENT', 'filtered');
    const nbaJob = await insertJob('NEXT_BEST_ACTION', 'filtered');
    await segments!.next(jobIs(segmentJob), 'the SEGMENT job on the SEGMENT subscription');
    // events arrive in commit order: once the later NBA job is here, the SEGMENT job would have been too
    await nextBestActions!.next(jobIs(nbaJob), 'the NBA job on the NBA subscription');
    expect(nextBestActions!.received.some(jobIs(segmentJob)), 'the NBA subscription never got the SEGMENT job').toBe(false);
    expect(segments!.received.some(jobIs(nbaJob)), 'the SEGMENT subscription never got the NBA job').toBe(false);
    expect(executionsOf(segmentJob), 'the SEGMENT job was executed for its one subscriber only').toBe(1);
  });
});

describe('the plugin, on a schema where roles see different things', () => {
  type Item = { id: string; secret: string; ownerKeyId: number };
  type Principal = { keyId: number; role: 'VIEWER' | 'ADMIN' };
  let executions = 0;
  const listeners = new Set<(item: Item) => void>();
  const publish = (item: Item) => {
    for (const listener of listeners) listener(item);
  };
  const Owner = new GraphQLObjectType<Item, { principal: Principal }>({
    // stands for a type whose answer depends on the key itself, as ApiKey's does
    name: 'KeySpecific',
    fields: {
      mine: { type: new GraphQLNonNull(GraphQLString), resolve: (item, _a, ctx) => String(item.ownerKeyId === ctx.principal.keyId) },
    },
  });
  const ItemType = new GraphQLObjectType<Item, { principal: Principal }>({
    name: 'Item',
    fields: {
      id: { type: new GraphQLNonNull(GraphQLID), resolve: (item) => (executions++, item.id) },
      secret: {
        type: GraphQLString,
        resolve: (item, _a, ctx) => {
          if (ctx.principal.role !== 'ADMIN') throw new GraphQLError('admins only', { extensions: { code: 'FORBIDDEN' } });
          return item.secret;
        },
      },
      owner: { type: Owner, resolve: (item) => item },
    },
  });
  const itemChanged = {
    type: new GraphQLNonNull(ItemType),
    args: { above: { type: GraphQLInt } },
    subscribe: (_root: unknown, args: { above?: number | null }) =>
      new Repeater<Item>(async (push, stop) => {
        const listener = (item: Item) => void ((args.above == null || Number(item.id) > args.above) && push(item));
        listeners.add(listener);
        await stop;
        listeners.delete(listener);
      }),
    resolve: (item: Item) => item,
  };
  const Query = new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } });
  const schema = new GraphQLSchema({
    query: Query,
    subscription: new GraphQLObjectType({ name: 'Subscription', fields: { itemChanged } }),
  });
  // the same schema, but told that KeySpecific's answers depend on the key (as ApiKey's do)
  const sharedPerRole = createYoga({ schema, plugins: [useSharedEventExecution({ keySpecificTypes: [] })] });
  const sharedPerKey = createYoga({ schema, plugins: [useSharedEventExecution({ keySpecificTypes: ['KeySpecific'] })] });

  async function open(yoga: typeof sharedPerRole, principal: Principal, query: string, variables?: Record<string, unknown>) {
    const { subscribe: subscribeEnveloped } = yoga.getEnveloped({});
    const stream = (await subscribeEnveloped({
      schema,
      document: parse(query),
      contextValue: { principal },
      variableValues: variables,
    })) as AsyncIterableIterator<ExecutionResult>;
    const first = stream.next(); // starts the stream, so it is listening
    await new Promise((r) => setImmediate(r));
    return { first, stream };
  }

  it('a VIEWER and an ADMIN each get what their role permits, and identical subscribers share one execution', async () => {
    const query = 'subscription { itemChanged { id secret } }';
    const viewers = await Promise.all([1, 2, 3].map((keyId) => open(sharedPerRole, { keyId, role: 'VIEWER' }, query)));
    const admins = await Promise.all([4, 5].map((keyId) => open(sharedPerRole, { keyId, role: 'ADMIN' }, query)));
    executions = 0;
    publish({ id: '7', secret: 'the secret', ownerKeyId: 1 });
    const viewerResults = await Promise.all(viewers.map((v) => v.first));
    const adminResults = await Promise.all(admins.map((a) => a.first));

    expect(executions, 'one execution for the VIEWERs, one for the ADMINs').toBe(2);
    for (const { value } of viewerResults) {
      expect(value.data, 'a VIEWER gets the item without its secret').toEqual({ itemChanged: { id: '7', secret: null } });
      expect(
        value.errors?.map((e: GraphQLError) => e.extensions?.code),
        'and is told it may not see it',
      ).toEqual(['FORBIDDEN']);
    }
    for (const { value } of adminResults)
      expect(value, 'an ADMIN gets the secret').toEqual({ data: { itemChanged: { id: '7', secret: 'the secret' } } });
    await Promise.all([...viewers, ...admins].map((s) => s.stream.return?.()));
  });

  it('subscribers with different variables are executed apart, each with its own filter', async () => {
    const query = 'subscription($above: Int) { itemChanged(above: $above) { id } }';
    const all = await open(sharedPerRole, { keyId: 1, role: 'VIEWER' }, query, { above: 0 });
    const high = await open(sharedPerRole, { keyId: 1, role: 'VIEWER' }, query, { above: 10 });
    executions = 0;
    publish({ id: '5', secret: '', ownerKeyId: 1 });
    publish({ id: '50', secret: '', ownerKeyId: 1 });
    expect((await all.first).value.data.itemChanged.id).toBe('5');
    expect((await all.stream.next()).value.data.itemChanged.id).toBe('50');
    expect((await high.first).value.data.itemChanged.id, 'the item at or below 10 never reached the filtered subscriber').toBe('50');
    expect(executions, 'item 5 once (one subscriber wanted it), item 50 once per variables').toBe(3);
    await Promise.all([all, high].map((s) => s.stream.return?.()));
  });

  it('where an answer depends on the key itself, only subscribers of that key share', async () => {
    const query = 'subscription { itemChanged { id owner { mine } } }';
    const ownerTwice = await Promise.all([1, 1].map((keyId) => open(sharedPerKey, { keyId, role: 'VIEWER' }, query)));
    const other = await open(sharedPerKey, { keyId: 2, role: 'VIEWER' }, query);
    executions = 0;
    publish({ id: '9', secret: '', ownerKeyId: 1 });
    for (const s of ownerTwice) expect((await s.first).value.data.itemChanged.owner.mine, "the owner's key sees its own").toBe('true');
    expect((await other.first).value.data.itemChanged.owner.mine, 'another key of the same role does not').toBe('false');
    expect(executions, 'one execution per key').toBe(2);
    await Promise.all([...ownerTwice, other].map((s) => s.stream.return?.()));
  });
});
