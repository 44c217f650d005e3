import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { googleAdapter } from './googleAdapter.ts';
import { emailOf, googleContext, member } from '../../../test/support/adapters/googleTestSupport.ts';

const t = useSimulator();

describe('Google: adding members (Customer Match)', () => {
  it('creates a job, adds create operations, runs it, polls to SUCCESS while awaiting, and reports the match rate', async () => {
    await t.control({ google: { jobDelayMs: 400, matchRateRange: 'MATCH_RANGE_51_TO_60' } });
    const ctx = googleContext(t);
    const list = await googleAdapter.ensureAudience(ctx, { name: 'Adds', externalId: null });
    const records = [member(1), member(2), member(3)];
    const result = await googleAdapter.sendMembers(ctx, {
      audience: { name: 'Adds', externalId: list },
      operation: 'ADD',
      records,
      idempotencyKey: 'paidsync-1-0-3',
    });

    expect(result).toEqual({ rejected: [], matchRate: 'MATCH_RANGE_51_TO_60' });
    expect(ctx.awaiting, 'AWAITING_RESPONSE while polling, then back').toEqual([true, false]);
    const members = t.started.simulator.state.google.userLists.get(list)!.members;
    expect(members.size).toBe(3);
    expect(members.has(emailOf(records[0]!))).toBe(true);

    // the calls of sendMembers, after ensureAudience's lookup and create
    const sent = ctx.apiCalls.slice(2);
    const calls = sent.map((c) => `${c.method} ${new URL(c.url).pathname.replace(/\d{6,}/g, 'N')}`);
    expect(calls.slice(0, 3)).toEqual([
      'POST /sim/google/v26/customers/N/offlineUserDataJobs:create',
      'POST /sim/google/v26/customers/N/offlineUserDataJobs/N:addOperations',
      'POST /sim/google/v26/customers/N/offlineUserDataJobs/N:run',
    ]);
    expect(
      calls.slice(3).every((c) => c === 'POST /sim/google/v26/customers/N/googleAds:search'),
      `then only polls, with GAQL: ${calls.slice(3)}`,
    ).toBe(true);
    expect(calls.length, 'polled more than once: the job took 400 ms').toBeGreaterThan(4);
    const added = JSON.parse(sent[1]!.requestBody!);
    expect(added.enablePartialFailure).toBe(true);
    expect(added.operations[0]).toEqual({ create: { userIdentifiers: records[0]!.identifiers.userIdentifiers } });
    const job = JSON.parse(sent[0]!.requestBody!).job;
    expect(job).toMatchObject({ type: 'CUSTOMER_MATCH_USER_LIST', customerMatchUserListMetadata: { userList: list } });
  });

  it('sends a large batch in serial addOperations calls of at most 10,000 identifiers, one job', async () => {
    await t.control({ google: { jobDelayMs: 0 } });
    const ctx = googleContext(t);
    const list = await googleAdapter.ensureAudience(ctx, { name: 'Big', externalId: null });
    const records = Array.from({ length: 4_000 }, (_, i) => member(i)); // 3 identifiers each: 12,000
    await googleAdapter.sendMembers(ctx, { audience: { name: 'Big', externalId: list }, operation: 'ADD', records, idempotencyKey: 'k' });
    const jobs = [...t.started.simulator.state.google.jobs.values()];
    expect(jobs.map((j) => ({ calls: j.addOperationsCalls, operations: j.operations.length, status: j.status }))).toEqual([
      { calls: 2, operations: 4_000, status: 'SUCCESS' },
    ]);
    expect(t.started.simulator.state.google.userLists.get(list)!.members.size).toBe(4_000);
  });
});
