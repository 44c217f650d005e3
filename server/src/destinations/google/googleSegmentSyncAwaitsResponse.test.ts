// Issue 4, done-when 1: a Google segment sync shows AWAITING_RESPONSE while Google processes the
// offline user data job, then COMPLETED.
import pg from 'pg';
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

describe('Google segment sync end to end', () => {
  it('is observed AWAITING_RESPONSE, then COMPLETED, with the members in the user list and the match rate stored', async () => {
    // Google takes 1.5 s to process each job: long enough to be seen
    await control(t, { google: { jobDelayMs: 1_500, matchRateRange: 'MATCH_RANGE_81_TO_90' } });
    const google = await createDestination(t, {
      name: 'Google e2e',
      type: 'GOOGLE_ADS',
      settings: { apiBaseUrl: `${t.sim.url}/google`, customerId: '123-456-7890', loginCustomerId: '1112223333', conversionActionId: '77' },
      credentials: { accessToken: 'g-e2e-token', developerToken: 'g-e2e-dev-token' },
    });
    const people = customers('gsync', 5);
    await upsertCustomers(t, people);
    const segment = await createSegment(
      t,
      'Google e2e segment',
      [google],
      people.map((p) => p.externalId),
    );
    const [job] = await triggerSegmentSync(t, segment);
    expect(job?.destinationType).toBe('GOOGLE_ADS');

    const { job: done, seen } = await waitForJob(t, job!.id);
    expect(seen, `statuses seen: ${seen.join(' → ')}`).toContain('AWAITING_RESPONSE');
    expect(seen.indexOf('AWAITING_RESPONSE'), 'AWAITING_RESPONSE comes before the end').toBeLessThan(seen.indexOf('COMPLETED'));
    expect(done.status, done.error ?? '').toBe('COMPLETED');
    expect(done.recordsAdded).toBe(5);

    const lists = [...t.sim.simulator.state.google.userLists.values()];
    expect(
      lists.map((l) => [l.name, l.members.size]),
      'one user list holding the five customers',
    ).toEqual([['Google e2e segment', 5]]);
    const { destination } = await t.app.ok<{
      destination: { audiences: Array<{ externalId: string; memberCount: number; matchRate: string | null }> };
    }>('query($id: ID!) { destination(id: $id) { audiences { externalId memberCount matchRate } } }', { id: google });
    expect(destination.audiences).toEqual([{ externalId: lists[0]!.resourceName, memberCount: 5, matchRate: 'MATCH_RANGE_81_TO_90' }]);

    // the wait was spent polling the job with GAQL, as the real API requires (it has no GET on a job)
    const db = new pg.Client({ connectionString: t.app.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ method: string; url: string; request_body: string | null; response_body: string | null }>(
        // the file's database holds this one Google destination
        "SELECT a.method, a.url, a.request_body, a.response_body FROM api_calls a JOIN destinations d ON d.id = a.destination_id WHERE d.type = 'GOOGLE_ADS' ORDER BY a.id",
      );
      const polls = rows.filter((r) => r.url.endsWith('/googleAds:search') && r.request_body?.includes('FROM offline_user_data_job'));
      expect(polls.length, 'polled while AWAITING_RESPONSE: the job took 1.5 s').toBeGreaterThan(1);
      expect(
        rows.filter((r) => r.method === 'GET'),
        'no GET on the job',
      ).toEqual([]);
      expect(JSON.parse(polls.at(-1)!.response_body!).results[0].offlineUserDataJob).toMatchObject({
        status: 'SUCCESS',
        operationMetadata: { matchRateRange: 'MATCH_RANGE_81_TO_90' },
      });
    } finally {
      await db.end();
    }
  });
});
