import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { facebookAdapter } from './facebookAdapter.ts';
import { facebookContext, member } from '../../../test/support/adapters/facebookTestSupport.ts';

const t = useSimulator();

describe('Facebook: removing members', () => {
  it('sends DELETE /{audience}/users with the same rows, and the members leave', async () => {
    const ctx = facebookContext(t);
    const audienceId = await facebookAdapter.ensureAudience(ctx, { name: 'Removes', externalId: null });
    const audience = { name: 'Removes', externalId: audienceId };
    await facebookAdapter.sendMembers(ctx, {
      audience,
      operation: 'ADD',
      records: [member(1), member(2)],
      idempotencyKey: 'paidsync-1-0-2',
    });
    const result = await facebookAdapter.sendMembers(ctx, {
      audience,
      operation: 'REMOVE',
      records: [member(1)],
      idempotencyKey: 'paidsync-2-0-1',
    });
    expect(result.rejected).toEqual([]);
    expect(ctx.apiCalls.at(-1)!.method).toBe('DELETE');
    const members = t.started.simulator.state.facebook.audiences.get(audienceId)!.members;
    expect(members.has(member(1).identifiers.ids.EMAIL), 'member 1 removed').toBe(false);
    expect(members.has(member(2).identifiers.ids.EMAIL), 'member 2 kept').toBe(true);
  });
});
