import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { linkedinAdapter } from './linkedinAdapter.ts';
import { linkedinContext } from '../../../test/support/adapters/linkedinTestSupport.ts';

const t = useSimulator();

describe('LinkedIn: ensureAudience', () => {
  it('POSTs /rest/dmpSegments for the sponsored account and takes the id from x-restli-id', async () => {
    const ctx = linkedinContext(t);
    const id = await linkedinAdapter.ensureAudience(ctx, { name: 'VIP buyers', externalId: null });
    expect(t.started.simulator.state.linkedin.segments.get(id), `segment ${id} exists`).toMatchObject({
      name: 'VIP buyers',
      account: 'urn:li:sponsoredAccount:507',
      type: 'USER',
    });
    expect(
      ctx.apiCalls.map((c) => [c.method, new URL(c.url).pathname, c.status]),
      'a lookup in the account, then the create',
    ).toEqual([
      ['GET', '/sim/linkedin/rest/dmpSegments', 200],
      ['POST', '/sim/linkedin/rest/dmpSegments', 201],
    ]);
    expect(JSON.parse(ctx.apiCalls[1]!.requestBody!).destinations).toEqual([{ destination: 'LINKEDIN' }]);
  });

  it('returns a known segment without a request', async () => {
    const ctx = linkedinContext(t);
    expect(await linkedinAdapter.ensureAudience(ctx, { name: 'x', externalId: '42' })).toBe('42');
    expect(ctx.apiCalls).toEqual([]);
  });

  it('takes no offline conversions', () => {
    expect(linkedinAdapter.sendConversions).toBeUndefined();
  });
});
