import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { facebookAdapter } from './facebookAdapter.ts';
import { FACEBOOK_TOKEN, facebookContext } from '../../../test/support/adapters/facebookTestSupport.ts';

const t = useSimulator();

describe('Facebook: ensureAudience', () => {
  it('creates a customer-list Custom Audience in the ad account and returns its id', async () => {
    const ctx = facebookContext(t);
    const id = await facebookAdapter.ensureAudience(ctx, { name: 'VIP buyers', externalId: null });
    const audience = t.started.simulator.state.facebook.audiences.get(id);
    expect(audience, `expected the simulator to hold audience ${id}`).toBeDefined();
    expect(audience).toMatchObject({ adAccountId: '1234', name: 'VIP buyers', deleted: false });
    expect(
      ctx.apiCalls.map((c) => `${c.method} ${new URL(c.url).pathname}`),
      'a lookup by name, then the create',
    ).toEqual(['GET /sim/facebook/v27.0/act_1234/customaudiences', 'POST /sim/facebook/v27.0/act_1234/customaudiences']);
    for (const call of ctx.apiCalls) expect(call.url, 'the token travels in a header, never in the URL').not.toContain(FACEBOOK_TOKEN);
    expect(JSON.parse(ctx.apiCalls[1]!.requestBody!)).toMatchObject({ subtype: 'CUSTOM', customer_file_source: 'USER_PROVIDED_ONLY' });
  });

  it('uses the configured API version and returns a known audience without a request', async () => {
    const ctx = facebookContext(t, { apiVersion: 'v25.0' });
    const id = await facebookAdapter.ensureAudience(ctx, { name: 'Other', externalId: null });
    expect(
      ctx.apiCalls.map((c) => new URL(c.url).pathname),
      'lookup and create on v25.0',
    ).toEqual(['/sim/facebook/v25.0/act_1234/customaudiences', '/sim/facebook/v25.0/act_1234/customaudiences']);
    expect(await facebookAdapter.ensureAudience(ctx, { name: 'Other', externalId: id })).toBe(id);
    expect(ctx.apiCalls.length, 'no further request for an audience that has an id').toBe(2);
  });
});
