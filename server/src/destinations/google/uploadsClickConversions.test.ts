import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { googleAdapter } from './googleAdapter.ts';
import { conversion, googleContext } from '../../../test/support/adapters/googleTestSupport.ts';
import { googleDateTime } from './sendGoogleConversions.ts';

const t = useSimulator();

describe('Google: click conversion upload', () => {
  it('sends gclid, the conversion action, "yyyy-mm-dd hh:mm:ss+00:00", value, currency and the event id as orderId', async () => {
    const ctx = googleContext(t);
    const result = await googleAdapter.sendConversions!(ctx, {
      records: [conversion(1), conversion(2, { value: null, currency: null })],
      idempotencyKey: 'k',
    });
    expect(result.rejected).toEqual([]);
    const sent = t.started.simulator.state.google.clickConversions.map((c) => c.conversion);
    expect(sent[0]).toEqual({
      gclid: 'gclid-1',
      conversionAction: 'customers/1234567890/conversionActions/987',
      conversionDateTime: '2026-11-20 09:30:15+00:00',
      conversionValue: 40,
      currencyCode: 'EUR',
      orderId: 'evt-1',
    });
    expect(sent[1], 'no value or currency when the event has none').toEqual({
      gclid: 'gclid-2',
      conversionAction: 'customers/1234567890/conversionActions/987',
      conversionDateTime: '2026-11-20 09:30:15+00:00',
      orderId: 'evt-2',
    });
    expect(JSON.parse(ctx.apiCalls[0]!.requestBody!).partialFailure).toBe(true);
    expect(googleDateTime(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02 03:04:05+00:00');
  });

  it('splits a batch over 2,000 into several requests', async () => {
    const ctx = googleContext(t);
    const records = Array.from({ length: 4_500 }, (_, i) => conversion(i));
    const result = await googleAdapter.sendConversions!(ctx, { records, idempotencyKey: 'k' });
    expect(result.rejected).toEqual([]);
    expect(ctx.apiCalls.length, 'three requests of at most 2,000').toBe(3);
    expect(t.started.simulator.state.google.clickConversions.length).toBe(4_500);
  });

  it('rejects an event without a click id without sending it', async () => {
    const ctx = googleContext(t);
    const result = await googleAdapter.sendConversions!(ctx, { records: [conversion(1, { clickId: null })], idempotencyKey: 'k' });
    expect(result.rejected).toEqual([{ key: 'evt-1', reason: expect.stringContaining('gclid') }]);
    expect(ctx.apiCalls).toEqual([]);
  });

  it('needs a conversionActionId: without one the batch fails permanently', async () => {
    const error = await googleAdapter.sendConversions!(googleContext(t, { conversionActionId: undefined }), {
      records: [conversion(1)],
      idempotencyKey: 'k',
    }).catch((e) => e);
    expect(error).toMatchObject({ kind: 'permanent', message: expect.stringContaining('conversionActionId') });
  });
});
