// A mutation repeated with the same Idempotency-Key, over real HTTP (and graphql-ws): one set of
// jobs, the first answer back, whether the repeat comes after the first answer or beside it.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeId } from '../graphql/ids.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';
import { postGraphQL } from '../../test/support/postGraphQL.ts';

let s: SyncScenario;
let db: pg.Pool;
let destinations: string[];
let segment: string;

const TRIGGER = 'mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id syncType destination { id } } }';
const PAID_ACTION = 'mutation($i: PaidRequestInput!) { requestPaidAction(input: $i) { id syncType } }';
const RETRY = 'mutation($id: ID!) { retrySyncJob(id: $id) { id status } }';

beforeAll(async () => {
  s = await startSyncScenario();
  db = new pg.Pool({ connectionString: s.t.databaseUrl, max: 2 });
  destinations = [await s.webDestination('idem-a'), await s.webDestination('idem-b')];
  await s.customers(makeCustomers(4, 'idem'));
  segment = await s.segment('Idempotent', destinations, ['idem-0', 'idem-1']);
});
afterAll(async () => {
  await db?.end();
  await s?.stop();
});

const send = (query: string, variables: Record<string, unknown>, idempotencyKey: string) =>
  postGraphQL(s.t.url, { apiKey: s.t.adminKey, query, variables, idempotencyKey });

async function jobCount(syncType: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sync_jobs WHERE sync_type = $1', [syncType]);
  return rows[0]!.n;
}

it('triggerSegmentSync sent twice with one key makes one set of jobs and returns the same ids', async () => {
  const before = await jobCount('SEGMENT');
  const first = await send(TRIGGER, { s: segment }, 'sync-2026-12-06-a');
  expect(first.errors, JSON.stringify(first.errors)).toBeUndefined();
  expect(first.data.triggerSegmentSync, 'one job per destination').toHaveLength(2);
  const second = await send(TRIGGER, { s: segment }, 'sync-2026-12-06-a');
  expect(second, 'the repeat gets the first answer').toEqual(first);
  expect(await jobCount('SEGMENT'), 'the repeat made no jobs').toBe(before + 2);
});

it('triggerSegmentSync sent five times at once with one key makes one set of jobs', async () => {
  const before = await jobCount('SEGMENT');
  const answers = await Promise.all(Array.from({ length: 5 }, () => send(TRIGGER, { s: segment }, 'sync-2026-12-06-b')));
  for (const answer of answers) expect(answer, 'every concurrent repeat gets the one answer').toEqual(answers[0]);
  expect(answers[0]!.data.triggerSegmentSync).toHaveLength(2);
  expect(await jobCount('SEGMENT'), 'one set of jobs').toBe(before + 2);
});

it('requestPaidAction sent twice, then three times at once, with one key makes one job', async () => {
  const before = await jobCount('NEXT_BEST_ACTION');
  const input = {
    i: { source: 'REALTIME_EVENT', issue: 'Retention', group: 'Cards', customerExternalIds: ['idem-2'], destinationIds: [destinations[0]] },
  };
  const first = await send(PAID_ACTION, input, 'paid-action-1');
  expect(first.errors, JSON.stringify(first.errors)).toBeUndefined();
  const repeats = await Promise.all([
    send(PAID_ACTION, input, 'paid-action-1'),
    send(PAID_ACTION, input, 'paid-action-1'),
    send(PAID_ACTION, input, 'paid-action-1'),
  ]);
  for (const repeat of repeats) expect(repeat).toEqual(first);
  expect(await jobCount('NEXT_BEST_ACTION'), 'one job').toBe(before + 1);

  const concurrent = await Promise.all([send(PAID_ACTION, input, 'paid-action-2'), send(PAID_ACTION, input, 'paid-action-2')]);
  expect(concurrent[1]).toEqual(concurrent[0]);
  expect(concurrent[0]!.data.requestPaidAction[0].id, 'a new key is a new request').not.toBe(first.data.requestPaidAction[0].id);
  expect(await jobCount('NEXT_BEST_ACTION'), 'one more job for the new key').toBe(before + 2);
});

it('retrySyncJob sent twice at once and once more after with one key retries once and answers alike', async () => {
  const destination = await s.webDestination('idem-retry', { batchSize: 1 });
  const failing = await s.segment('Idempotent retry', [destination], ['idem-0', 'idem-1', 'idem-2']);
  await s.control({ faults: [{ network: 'web', endpoint: 'idem-retry', kind: 'invalidToken' }] });
  const [jobId] = await s.syncSegment(failing);
  await s.waitForJob(jobId!, ['FAILED']);
  const items = (await s.job(jobId!)).queueItems.edges.map((e) => e.node.status);
  expect(items, 'the bad token failed the items').toContain('FAILED');
  // the job fails at its first refused request; items not yet tried by then wait as PENDING and go with the retry
  const unsentItems = items.filter((status) => status !== 'SUCCEEDED').length;
  await s.control({ clearFaults: 'web' });
  const batchesBefore = s.sim.simulator.state.web.batches.length;

  const [a, b] = await Promise.all([send(RETRY, { id: jobId }, 'retry-1'), send(RETRY, { id: jobId }, 'retry-1')]);
  expect(a.errors, JSON.stringify(a.errors)).toBeUndefined();
  expect(a.data.retrySyncJob.status).toBe('RUNNING');
  expect(b, 'the concurrent repeat gets the first answer, not NOT_RETRYABLE').toEqual(a);
  await s.waitForJob(jobId!, ['COMPLETED']);
  const later = await send(RETRY, { id: jobId }, 'retry-1');
  expect(later, 'after the job completed, the repeat still gets the first answer').toEqual(a);
  const resent = s.sim.simulator.state.web.batches.slice(batchesBefore);
  expect(resent.length, 'each unsent item was sent once').toBe(unsentItems);
  const ids = resent.flatMap((batch) => batch.records.map((r) => r.id));
  expect(new Set(ids).size, `no customer was sent twice: ${ids.join(', ')}`).toBe(ids.length);
  const { rows } = await db.query<{ attempts: number }>('SELECT max(attempts)::int AS attempts FROM queue_items WHERE sync_job_id = $1', [
    decodeId('SyncJob', jobId!),
  ]);
  expect(rows[0]!.attempts, 'no item was attempted a third time').toBe(2);
});

it('over graphql-ws the key is the operation’s extensions.idempotencyKey', async () => {
  const ws = s.t.ws();
  const run = () =>
    new Promise<unknown>((resolve, reject) => {
      let result: unknown;
      ws.subscribe(
        { query: TRIGGER, variables: { s: segment }, extensions: { idempotencyKey: 'ws-sync-1' } },
        { next: (value) => (result = value), error: reject, complete: () => resolve(result) },
      );
    });
  const before = await jobCount('SEGMENT');
  const [first, second] = await Promise.all([run(), run()]);
  expect(second).toEqual(first);
  const third = await run();
  expect(third).toEqual(first);
  expect(await jobCount('SEGMENT'), 'one set of jobs').toBe(before + 2);
});
