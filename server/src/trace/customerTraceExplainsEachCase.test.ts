import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
let viewer: string;
beforeAll(async () => {
  s = await startSyncScenario();
  viewer = await s.t.keyFor('VIEWER');
});
afterAll(() => s?.stop());

const TRACE = `query($e: String!) { customerTrace(externalId: $e) {
  externalId adConsent segments { name }
  audiences { audienceName destinationName verdict member confirmedAt sentIdentifiers { type hashPrefix }
    segment { name includesCustomer }
    jobs { status recordsRemoved operation queueItem { status attempts lastError nextAttemptAt } }
    rejections { reason } } } }`;

interface Trace {
  externalId: string;
  adConsent: boolean;
  segments: Array<{ name: string }>;
  audiences: Array<{
    audienceName: string;
    destinationName: string;
    verdict: string;
    member: boolean;
    confirmedAt: string | null;
    sentIdentifiers: Array<{ type: string; hashPrefix: string }>;
    segment: { name: string; includesCustomer: boolean } | null;
    jobs: Array<{
      status: string;
      recordsRemoved: number;
      operation: string | null;
      queueItem: { status: string; attempts: number; lastError: string | null; nextAttemptAt: string | null } | null;
    }>;
    rejections: Array<{ reason: string }>;
  }>;
}

async function trace(externalId: string, audienceName: string) {
  const data = await s.t.ok<{ customerTrace: Trace }>(TRACE, { e: externalId }, viewer);
  const audience = data.customerTrace.audiences.find((a) => a.audienceName === audienceName);
  expect(audience, `the trace of ${externalId} lists audience ${audienceName}`).toBeDefined();
  return { customer: data.customerTrace, audience: audience! };
}

it('explains a member, a customer without consent, a rejected record and a leaver', async () => {
  const destination = await s.webDestination('trace', { batchSize: 10 });
  await s.customers([
    { externalId: 'tr-member', email: 'member@example.com', phone: '+15551230000' },
    { externalId: 'tr-noconsent', email: 'noconsent@example.com', adConsent: false },
    { externalId: 'tr-rejected', email: 'rejected@example.com' },
    { externalId: 'tr-leaver', email: 'leaver@example.com' },
  ]);
  const segment = await s.segment('Traced', [destination], ['tr-member', 'tr-noconsent', 'tr-rejected', 'tr-leaver']);
  await s.control({
    faults: [{ network: 'web', endpoint: 'trace', kind: 'rejectRecords', values: ['tr-rejected'], reason: 'invalid email domain' }],
  });
  const [first] = await s.syncSegment(segment);
  await s.waitForJob(first!, ['COMPLETED', 'FAILED']);

  const member = await trace('tr-member', 'Traced');
  expect(member.audience.verdict).toBe('MEMBER');
  expect(member.audience.member).toBe(true);
  expect(member.audience.segment, 'the segment that put them there').toEqual({ name: 'Traced', includesCustomer: true });
  expect(member.customer.segments.map((x) => x.name)).toEqual(['Traced']);
  expect(member.audience.sentIdentifiers.map((i) => i.type).sort(), 'the identifier types the network holds').toEqual(
    expect.arrayContaining(['EMAIL', 'PHONE']),
  );
  for (const id of member.audience.sentIdentifiers) expect(id.hashPrefix, 'only a hash prefix, never a value').toMatch(/^[0-9a-f]{8}$/);
  expect(JSON.stringify(member.customer), 'no raw PII in the trace').not.toMatch(/member@example\.com|5551230000/);

  const noConsent = await trace('tr-noconsent', 'Traced');
  expect(noConsent.customer.adConsent).toBe(false);
  expect(noConsent.audience).toMatchObject({ verdict: 'NO_CONSENT', member: false, segment: { includesCustomer: true } });

  const rejected = await trace('tr-rejected', 'Traced');
  expect(rejected.audience.verdict).toBe('REJECTED');
  expect(rejected.audience.rejections.map((r) => r.reason).join(), "the network's reason").toMatch(/invalid email domain/);

  await s.t.ok('mutation($id: ID!, $l: [String!]) { updateSegment(id: $id, input: { customerExternalIds: $l }) { id } }', {
    id: segment,
    l: ['tr-member', 'tr-noconsent', 'tr-rejected'],
  });
  const [second] = await s.syncSegment(segment);
  await s.waitForJob(second!, ['COMPLETED', 'FAILED']);
  const leaver = await trace('tr-leaver', 'Traced');
  expect(leaver.audience).toMatchObject({ verdict: 'NOT_IN_SCOPE', member: false, segment: { includesCustomer: false } });
  expect(leaver.audience.jobs[0], 'the latest job of the audience removed the leaver').toMatchObject({
    status: 'COMPLETED',
    recordsRemoved: 1,
  });
});

it('explains a customer waiting for retry with the time of the next attempt', async () => {
  const destination = await s.webDestination('trace-down', { batchSize: 10 });
  await s.customers([{ externalId: 'tr-waiting', email: 'waiting@example.com' }]);
  const segment = await s.segment('Traced down', [destination], ['tr-waiting']);
  await s.control({ faults: [{ network: 'web', endpoint: 'trace-down', kind: 'outage', mode: 'unavailable' }] });
  const [id] = await s.syncSegment(segment);
  await s.waitForJob(id!, ['FAILED']);

  const waiting = await trace('tr-waiting', 'Traced down');
  expect(waiting.audience.verdict).toBe('WAITING_FOR_RETRY');
  const job = waiting.audience.jobs[0]!;
  expect(job.operation).toBe('ADD');
  expect(job.queueItem, 'the queue item carrying the customer').toMatchObject({ status: 'WAITING_FOR_RETRY' });
  expect(job.queueItem!.lastError).toMatch(/unavailable/);
  expect(Date.parse(job.queueItem!.nextAttemptAt!), 'when it is resent').toBeGreaterThan(Date.now());
});

it('says NOT_FOUND for an unknown customer', async () => {
  const response = await s.t.gql(TRACE, { e: 'nobody' }, viewer);
  expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
});
