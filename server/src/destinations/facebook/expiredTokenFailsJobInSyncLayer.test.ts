// End to end: an expired Facebook token (Graph code 190) fails the segment job in the sync layer,
// with Retry offered, and nothing reaches the audience.
import { describe, expect, it } from 'vitest';
import {
  control,
  createDestination,
  createSegment,
  customers,
  triggerSegmentSync,
  upsertCustomers,
  useEndToEnd,
  waitForJob,
} from '../../../test/support/endToEndSupport.ts';

const t = useEndToEnd();

describe('Facebook segment sync with an expired token', () => {
  it('ends FAILED in the SYNC layer with canRetry, and completes once the token works again', async () => {
    const facebook = await createDestination(t, {
      name: 'FB expired',
      type: 'FACEBOOK_ADS',
      settings: { apiBaseUrl: `${t.sim.url}/facebook`, adAccountId: '1234' },
      credentials: { accessToken: 'fb-expired-token' },
    });
    const people = customers('fbexp', 3);
    await upsertCustomers(t, people);
    const segment = await createSegment(
      t,
      'FB expired',
      [facebook],
      people.map((p) => p.externalId),
    );
    await control(t, { faults: [{ network: 'facebook', kind: 'invalidToken' }] });
    const [job] = await triggerSegmentSync(t, segment);
    const { job: failed } = await waitForJob(t, job!.id);
    expect(failed.status).toBe('FAILED');
    const { syncJob } = await t.app.ok<{ syncJob: { failureLayer: string; canRetry: boolean; error: string } }>(
      'query($id: ID!) { syncJob(id: $id) { failureLayer canRetry error } }',
      { id: job!.id },
    );
    expect(syncJob).toMatchObject({ failureLayer: 'SYNC', canRetry: true });
    expect(syncJob.error).toMatch(/190/);
    expect(syncJob.error, 'the token is never quoted').not.toContain('fb-expired-token');

    await control(t, { clearFaults: true });
    await t.app.ok('mutation($id: ID!) { retrySyncJob(id: $id) { id } }', { id: job!.id });
    const { job: retried } = await waitForJob(t, job!.id);
    expect(retried.status, retried.error ?? '').toBe('COMPLETED');
    expect([...t.sim.simulator.state.facebook.audiences.values()].map((a) => a.members.size)).toEqual([3]);
  });
});
