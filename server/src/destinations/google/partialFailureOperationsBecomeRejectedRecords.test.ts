import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { googleAdapter } from './googleAdapter.ts';
import { emailOf, googleContext, member } from '../../../test/support/adapters/googleTestSupport.ts';

const t = useSimulator();

describe('Google: operations refused in partialFailureError', () => {
  it('become rejected records by operation index; the others are run', async () => {
    await t.control({ google: { jobDelayMs: 0 } });
    const ctx = googleContext(t);
    const list = await googleAdapter.ensureAudience(ctx, { name: 'Partial', externalId: null });
    const bad = member(2);
    await t.control({
      faults: [{ network: 'google', endpoint: 'addOperations', kind: 'rejectRecords', values: [emailOf(bad)], reason: 'hash rejected' }],
    });
    const result = await googleAdapter.sendMembers(ctx, {
      audience: { name: 'Partial', externalId: list },
      operation: 'ADD',
      records: [member(1), bad, member(3)],
      idempotencyKey: 'k',
    });
    expect(result.rejected).toEqual([{ key: 'cust-2', reason: 'INVALID_SHA256_FORMAT: hash rejected' }]);
    expect(t.started.simulator.state.google.userLists.get(list)!.members.size).toBe(2);
  });

  it('rejects a record with no identifiers without sending it, and runs no job when nothing is left', async () => {
    const ctx = googleContext(t);
    const list = await googleAdapter.ensureAudience(ctx, { name: 'Nothing', externalId: null });
    const result = await googleAdapter.sendMembers(ctx, {
      audience: { name: 'Nothing', externalId: list },
      operation: 'ADD',
      records: [{ key: 'x', identifiers: { type: 'GOOGLE_ADS', userIdentifiers: [] } }],
      idempotencyKey: 'k',
    });
    expect(result.rejected).toEqual([{ key: 'x', reason: expect.stringContaining('no identifiers') }]);
    expect(t.started.simulator.state.google.jobs.size).toBe(0);
  });
});
