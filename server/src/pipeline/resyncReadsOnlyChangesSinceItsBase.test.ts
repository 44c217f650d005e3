// A full-diff re-sync whose previous run of the same scope completed whole reads only the customers
// written since that run's snapshot (diffBase.ts), and ends with the audience a read of everyone
// would give: joiners added, leavers and consent withdrawals removed, changed PII re-sent, the rest
// untouched. Each run then starts from the one before it. On Facebook, whose members are their
// hashes, a changed or leaving member is removed by the identifiers the network holds.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { metaHash } from '../destinations/hashing/index.ts';
import { payloadLog, rowId } from '../../test/support/payloadLog.ts';
import { startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
const payloads = payloadLog();
beforeAll(async () => {
  s = await startSyncScenario(payloads.options);
});
afterAll(() => s?.stop());

const customer = (i: number, tier: string, extra: Record<string, unknown> = {}) => ({
  externalId: `since-${i}`,
  email: `since.${i}@example.com`,
  attributes: { tier },
  ...extra,
});

async function sync(segment: string) {
  const [id] = await s.syncSegment(segment);
  const job = await s.waitForJob(id!, ['COMPLETED', 'FAILED']);
  expect(job.status, `the sync should complete: ${JSON.stringify(job)}`).toBe('COMPLETED');
  const run = payloads.of(id!);
  expect(run, `stage 1 of job ${id} reports what it read`).toBeDefined();
  return { job, run: run! };
}

it('reads only what changed since the last whole run and leaves the audience as a full read would', async () => {
  const destination = await s.webDestination('since');
  await s.customers(Array.from({ length: 30 }, (_, i) => customer(i, i < 20 ? 'gold' : 'silver')));
  const { createSegment } = await s.t.ok<{ createSegment: { id: string } }>(
    'mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }',
    {
      i: { name: 'Since', paidSyncEnabled: true, destinationIds: [destination], criteria: { attribute: 'tier', op: 'eq', value: 'gold' } },
    },
  );
  const audience = () => [...s.sim.simulator.state.web.endpoints.get('since')!.audiences.get('Since')!.keys()].sort();
  const expected = (ids: number[]) => ids.map((i) => `since-${i}`).sort();

  const first = await sync(createSegment.id);
  expect(first.run.diffBase, 'the first run has nothing to start from').toBeNull();
  expect(first.job.recordsAdded).toBe(20);

  // one joins, one leaves the scope, one withdraws consent, one changes email, one changes nothing the scope reads
  await s.customers([
    customer(25, 'gold'),
    customer(3, 'silver'),
    customer(4, 'gold', { adConsent: false }),
    customer(5, 'gold', { email: 'moved.5@example.com' }),
    customer(26, 'silver', { city: 'Porto' }),
  ]);
  const second = await sync(createSegment.id);
  expect(
    { base: second.run.diffBase, read: second.run.customersHashed },
    'the second run starts from the first and reads the joiner, both leavers and the changed member',
  ).toEqual({ base: rowId(first.job.id), read: 4 });
  // the web endpoint keys a member by external id: the new email replaces the old one, nothing to remove
  expect(
    { added: second.job.recordsAdded, removed: second.job.recordsRemoved },
    'joiner and new email added; both leavers removed',
  ).toEqual({
    added: 2,
    removed: 2,
  });
  const members = [...Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 3 && i !== 4), 25];
  expect(audience(), 'the audience is the scope').toEqual(expected(members));
  const held = s.sim.simulator.state.web.endpoints.get('since')!.audiences.get('Since')!.get('since-5')!;
  expect(held.EMAIL, 'the changed member is held with its new email').toBe(
    createHash('sha256').update('moved.5@example.com').digest('hex'),
  );

  const idle = await sync(createSegment.id);
  expect({ base: idle.run.diffBase, read: idle.run.customersHashed }, 'nothing changed: starts from the second, reads nobody').toEqual({
    base: rowId(second.job.id),
    read: 0,
  });

  // the customer who left comes back: unchanged since the base but for this write
  await s.customers([customer(3, 'gold')]);
  const third = await sync(createSegment.id);
  expect({ base: third.run.diffBase, read: third.run.customersHashed, added: third.job.recordsAdded }).toEqual({
    base: rowId(idle.job.id),
    read: 1,
    added: 1,
  });
  expect(audience()).toEqual(expected([...members, 3]));
});

it('removes what the network holds for a changed or leaving member when it reads only changes (Facebook)', async () => {
  const destinationId = await s.facebookDestination('since-facebook', { adAccountId: '5151', pixelId: '7', accessToken: 'since-token' });
  const email = (i: number, version: string) => `since-fb.${i}.${version}@example.com`;
  await s.customers(
    Array.from({ length: 5 }, (_, i) => ({ externalId: `since-fb-${i}`, email: email(i, 'old'), attributes: { tier: 'fb' } })),
  );
  const { createSegment } = await s.t.ok<{ createSegment: { id: string } }>(
    'mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }',
    {
      i: {
        name: 'SinceFacebook',
        paidSyncEnabled: true,
        destinationIds: [destinationId],
        criteria: { attribute: 'tier', op: 'eq', value: 'fb' },
      },
    },
  );
  const held = () =>
    [...s.sim.simulator.state.facebook.audiences.values()]
      .find((a) => a.name === 'SinceFacebook')!
      .members.records()
      .map((r) => r.EMAIL!)
      .sort();
  const first = await sync(createSegment.id);

  // 1 changes email and leaves (its old hash is what the network holds); 2 only changes email
  await s.customers([
    { externalId: 'since-fb-1', email: email(1, 'new'), attributes: { tier: 'gone' } },
    { externalId: 'since-fb-2', email: email(2, 'new') },
  ]);
  const second = await sync(createSegment.id);
  expect({ base: second.run.diffBase, read: second.run.customersHashed }, 'only the two changed customers are read').toEqual({
    base: rowId(first.job.id),
    read: 2,
  });
  expect(held(), 'the leaver is gone by its old hash, the changed member is held by its new hash only').toEqual(
    [0, 3, 4]
      .map((i) => metaHash('EMAIL', email(i, 'old'))!)
      .concat(metaHash('EMAIL', email(2, 'new'))!)
      .sort(),
  );
});
