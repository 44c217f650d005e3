import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { googleAdapter } from './googleAdapter.ts';
import { googleContext } from '../../../test/support/adapters/googleTestSupport.ts';

const t = useSimulator();

describe('Google: ensureAudience', () => {
  it('creates a CONTACT_INFO crmBasedUserList with userLists:mutate and returns its resourceName', async () => {
    const ctx = googleContext(t);
    const resourceName = await googleAdapter.ensureAudience(ctx, { name: 'VIP buyers', externalId: null });
    expect(resourceName).toMatch(/^customers\/1234567890\/userLists\/\d+$/);
    expect(t.started.simulator.state.google.userLists.get(resourceName), 'the list exists in the simulator').toMatchObject({
      name: 'VIP buyers',
      removed: false,
    });
    expect(
      ctx.apiCalls.map((c) => `${c.method} ${new URL(c.url).pathname}`),
      'a search by name, then the create; dashes stripped from the customer id, default version v26',
    ).toEqual(['POST /sim/google/v26/customers/1234567890/googleAds:search', 'POST /sim/google/v26/customers/1234567890/userLists:mutate']);
    expect(JSON.parse(ctx.apiCalls[1]!.requestBody!).operations[0].create.crmBasedUserList).toMatchObject({
      uploadKeyType: 'CONTACT_INFO',
    });
  });

  it('returns a known list without a request', async () => {
    const ctx = googleContext(t);
    expect(await googleAdapter.ensureAudience(ctx, { name: 'x', externalId: 'customers/1234567890/userLists/5' })).toBe(
      'customers/1234567890/userLists/5',
    );
    expect(ctx.apiCalls).toEqual([]);
  });
});
