// A job whose items wait for the automatic resend says when it comes (nextRetryAt) and has no end
// yet; while the resend runs it is RUNNING; its end is when it reaches its final status.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario({ env: { PAIDSYNC_RETRY_INTERVAL_SECONDS: '2' } });
});
afterAll(() => s?.stop());

const times = async (id: string) =>
  (await s.t.ok<any>('query($id: ID!) { syncJob(id: $id) { status endedAt nextRetryAt } }', { id })).syncJob as {
    status: string;
    endedAt: string | null;
    nextRetryAt: string | null;
  };

it('shows when the automatic resend comes, and ends when the job reaches its final status', async () => {
  const destination = await s.webDestination('lifecycle', { batchSize: 10 });
  const customers = makeCustomers(2, 'life');
  await s.customers(customers);
  const segment = await s.segment(
    'Lifecycle',
    [destination],
    customers.map((c) => c.externalId),
  );
  await s.control({ faults: [{ network: 'web', endpoint: 'lifecycle', kind: 'outage', mode: 'unavailable', count: 4 }] });

  const [id] = await s.syncSegment(segment);
  const failed = await s.waitForJob(id!, ['FAILED', 'COMPLETED']);
  const waiting = await times(id!);
  const item = failed.queueItems.edges[0]!.node;
  expect(item.status).toBe('WAITING_FOR_RETRY');
  expect(waiting, 'a job whose items wait says when the resend comes, and has not ended').toEqual({
    status: 'FAILED',
    endedAt: null,
    nextRetryAt: item.nextAttemptAt,
  });

  const done = await s.waitForJob(id!, ['COMPLETED'], 20_000);
  const ended = await times(id!);
  expect(done.status).toBe('COMPLETED');
  expect(ended.nextRetryAt, 'nothing waits any more').toBeNull();
  expect(Date.parse(ended.endedAt!), 'the end is when the resend completed it, not when it first failed').toBeGreaterThanOrEqual(
    Date.parse(waiting.nextRetryAt!),
  );
});

it('keeps the end of a job that failed for good', async () => {
  const destination = await s.webDestination('lifecycle-final', { batchSize: 10 });
  await s.customers(makeCustomers(1, 'lifefinal'));
  const segment = await s.segment('Lifecycle final', [destination], ['lifefinal-0']);
  await s.control({ faults: [{ network: 'web', endpoint: 'lifecycle-final', kind: 'rejectBatch', status: 409, reason: 'conflict' }] });
  const [id] = await s.syncSegment(segment);
  await s.waitForJob(id!, ['FAILED', 'COMPLETED']);
  const failed = await times(id!);
  expect(failed.status).toBe('FAILED');
  expect(failed.nextRetryAt, 'a permanent failure waits for no resend').toBeNull();
  expect(failed.endedAt, 'a final failure has its end').not.toBeNull();
});
