import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { googleAdapter } from './googleAdapter.ts';
import { conversion, googleContext } from '../../../test/support/adapters/googleTestSupport.ts';

const t = useSimulator();

describe('Google: partial failure on click conversions', () => {
  it('maps each failed row (HTTP 200 + partialFailureError) to its event as rejected with the code and message', async () => {
    await t.control({
      faults: [
        {
          network: 'google',
          endpoint: 'uploadClickConversions',
          kind: 'rejectRecords',
          values: ['gclid-2', 'gclid-4'],
          reason: 'The click was not found.',
        },
      ],
    });
    const ctx = googleContext(t);
    const result = await googleAdapter.sendConversions!(ctx, { records: [1, 2, 3, 4].map((n) => conversion(n)), idempotencyKey: 'k' });
    expect(ctx.apiCalls[0]!.status, 'Google answers 200 even with failed rows').toBe(200);
    expect(result.rejected).toEqual([
      { key: 'evt-2', reason: 'CLICK_NOT_FOUND: The click was not found.' },
      { key: 'evt-4', reason: 'CLICK_NOT_FOUND: The click was not found.' },
    ]);
    expect(t.started.simulator.state.google.clickConversions.map((c) => c.conversion.orderId)).toEqual(['evt-1', 'evt-3']);
  });

  it('counts CLICK_CONVERSION_ALREADY_EXISTS (a resend) as delivered, not rejected', async () => {
    const ctx = googleContext(t);
    await googleAdapter.sendConversions!(ctx, { records: [conversion(1)], idempotencyKey: 'k' });
    const again = await googleAdapter.sendConversions!(ctx, { records: [conversion(1), conversion(2)], idempotencyKey: 'k' });
    expect(ctx.apiCalls[1]!.responseBody, 'the simulator did answer ALREADY_EXISTS').toContain('CLICK_CONVERSION_ALREADY_EXISTS');
    expect(again.rejected).toEqual([]);
    expect(t.started.simulator.state.google.clickConversions.length, 'kept once each').toBe(2);
  });
});
