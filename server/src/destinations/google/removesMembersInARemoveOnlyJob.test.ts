import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { googleAdapter } from './googleAdapter.ts';
import { emailOf, googleContext, member } from '../../../test/support/adapters/googleTestSupport.ts';

const t = useSimulator();

describe('Google: removing members', () => {
  it('uses a job of its own holding only remove operations', async () => {
    await t.control({ google: { jobDelayMs: 0 } });
    const ctx = googleContext(t);
    const list = await googleAdapter.ensureAudience(ctx, { name: 'Removes', externalId: null });
    const audience = { name: 'Removes', externalId: list };
    await googleAdapter.sendMembers(ctx, { audience, operation: 'ADD', records: [member(1), member(2)], idempotencyKey: 'a' });
    const result = await googleAdapter.sendMembers(ctx, { audience, operation: 'REMOVE', records: [member(1)], idempotencyKey: 'r' });
    expect(result.rejected).toEqual([]);
    const jobs = [...t.started.simulator.state.google.jobs.values()];
    expect(
      jobs.map((j) => [j.operationKind, j.status]),
      'two jobs, never mixed',
    ).toEqual([
      ['create', 'SUCCESS'],
      ['remove', 'SUCCESS'],
    ]);
    const members = t.started.simulator.state.google.userLists.get(list)!.members;
    expect(members.has(emailOf(member(1))), 'removed').toBe(false);
    expect(members.has(emailOf(member(2))), 'kept').toBe(true);
  });
});
