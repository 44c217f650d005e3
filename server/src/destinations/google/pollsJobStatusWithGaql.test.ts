// The real Google Ads REST API has no GET on an offline user data job: its status, failure reason
// and match rate are read with GAQL through googleAds:search.
import { afterEach, describe, expect, it } from 'vitest';
import { failureOf, useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { googleAdapter } from './googleAdapter.ts';
import { googleContext, member } from '../../../test/support/adapters/googleTestSupport.ts';
import { googlePolling, pollOfflineUserDataJob } from './pollOfflineUserDataJob.ts';

const t = useSimulator();
const firstDelayMs = googlePolling.firstDelayMs;
afterEach(() => {
  googlePolling.firstDelayMs = firstDelayMs;
});

async function addMembers(name: string) {
  const ctx = googleContext(t);
  const list = await googleAdapter.ensureAudience(ctx, { name, externalId: null });
  const sent = googleAdapter.sendMembers(ctx, {
    audience: { name, externalId: list },
    operation: 'ADD',
    records: [member(1), member(2)],
    idempotencyKey: 'k',
  });
  return { ctx, sent };
}

describe('Google: polling an offline user data job with GAQL', () => {
  it('searches the job by resource name for status, failure reason and match rate, and reports the match rate range', async () => {
    await t.control({ google: { jobDelayMs: 300, matchRateRange: 'MATCH_RANGE_91_TO_100' } });
    const { ctx, sent } = await addMembers('Polled');
    expect((await sent).matchRate, 'the range Google reported in operationMetadata').toBe('MATCH_RANGE_91_TO_100');

    const job = [...t.started.simulator.state.google.jobs.keys()][0]!;
    const polls = ctx.apiCalls.filter((c) => c.url.endsWith('/googleAds:search') && c.requestBody!.includes('offline_user_data_job'));
    expect(polls.length, 'polled until the job ended: it ran 300 ms').toBeGreaterThan(1);
    expect(JSON.parse(polls[0]!.requestBody!)).toEqual({
      query:
        'SELECT offline_user_data_job.resource_name, offline_user_data_job.status, offline_user_data_job.failure_reason, ' +
        `offline_user_data_job.operation_metadata.match_rate_range FROM offline_user_data_job WHERE offline_user_data_job.resource_name = '${job}'`,
    });
    expect(
      polls.map((c) => JSON.parse(c.responseBody!).results[0].offlineUserDataJob.status),
      'RUNNING until SUCCESS',
    ).toEqual([...Array(polls.length - 1).fill('RUNNING'), 'SUCCESS']);
    expect(
      ctx.apiCalls.filter((c) => c.method === 'GET'),
      'no GET on the job: the real API has none',
    ).toEqual([]);
  });

  it('a job that ends FAILED fails the batch as external, naming the failure reason', async () => {
    await t.control({
      google: { jobDelayMs: 0 },
      faults: [{ network: 'google', kind: 'failJob', count: 1, reason: 'INSUFFICIENT_MATCHED_TRANSACTIONS' }],
    });
    const { sent } = await addMembers('Failing');
    const error = await failureOf(sent);
    expect(error.kind, error.message).toBe('external');
    expect(error.message).toMatch(/FAILED \(INSUFFICIENT_MATCHED_TRANSACTIONS\)/);
  });

  it('a job search does not return counts as a failed poll, and ends external after the allowed failures', async () => {
    googlePolling.firstDelayMs = 5;
    const ctx = googleContext(t);
    const error = await failureOf(pollOfflineUserDataJob(ctx, 'customers/1234567890/offlineUserDataJobs/424242'));
    expect(error.kind, error.message).toBe('external');
    expect(error.message).toMatch(/no offline user data job customers\/1234567890\/offlineUserDataJobs\/424242/);
    expect(ctx.apiCalls.length, 'one search per allowed failure').toBe(googlePolling.maxFailedPolls);
  });
});
