import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { linkedinAdapter } from './linkedinAdapter.ts';
import { emailOf, linkedinContext, member } from '../../../test/support/adapters/linkedinTestSupport.ts';

const t = useSimulator();

describe('LinkedIn: per-element statuses', () => {
  it('an element answered with a non-2xx status becomes a rejected record with its message', async () => {
    const ctx = linkedinContext(t);
    const id = await linkedinAdapter.ensureAudience(ctx, { name: 'Partial', externalId: null });
    await t.control({
      faults: [
        { network: 'linkedin', endpoint: 'users', kind: 'rejectRecords', values: [emailOf(member(2))], reason: 'unknown member hash' },
      ],
    });
    const result = await linkedinAdapter.sendMembers(ctx, {
      audience: { name: 'Partial', externalId: id },
      operation: 'ADD',
      records: [member(1), member(2), member(3)],
      idempotencyKey: 'k',
    });
    expect(result.rejected).toEqual([{ key: 'cust-2', reason: 'LinkedIn refused the element (400): unknown member hash' }]);
    expect(t.started.simulator.state.linkedin.segments.get(id)!.members.size).toBe(2);
  });

  it('a customer without an email is rejected without being sent', async () => {
    const ctx = linkedinContext(t);
    const result = await linkedinAdapter.sendMembers(ctx, {
      audience: { name: 'x', externalId: '1' },
      operation: 'ADD',
      records: [{ key: 'no-mail', identifiers: { type: 'LINKEDIN_ADS', userIds: [] } }],
      idempotencyKey: 'k',
    });
    expect(result.rejected).toEqual([{ key: 'no-mail', reason: expect.stringContaining('no email') }]);
    expect(ctx.apiCalls).toEqual([]);
  });
});
