import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { facebookAdapter } from './facebookAdapter.ts';
import { conversion, facebookContext } from '../../../test/support/adapters/facebookTestSupport.ts';

const t = useSimulator();

describe('Facebook: offline conversions through the Conversions API', () => {
  it('POSTs events to /{pixel}/events with event_id, action_source, hashed user_data and custom_data', async () => {
    const ctx = facebookContext(t);
    const occurredAt = new Date(Date.now() - 2 * 3600_000);
    const result = await facebookAdapter.sendConversions!(ctx, {
      records: [conversion(1, { occurredAt }), conversion(2, { conversionName: 'Qualified lead', value: null, clickId: 'IwAR0abc' })],
      idempotencyKey: 'paidsync-5-0-2',
    });
    expect(result.rejected).toEqual([]);
    const events = t.started.simulator.state.facebook.events;
    expect(events.map((e) => e.pixelId)).toEqual(['555', '555']);
    expect(events[0]!.event).toMatchObject({
      event_name: 'Purchase',
      event_id: 'evt-1',
      event_time: Math.floor(occurredAt.getTime() / 1000),
      action_source: 'physical_store',
      user_data: { em: [conversion(1).identifiers.ids.EMAIL], external_id: ['cust-1'] },
      custom_data: { value: 12.5, currency: 'USD' },
    });
    expect(events[1]!.event, 'a non-sale is system_generated; the click id travels as fbc').toMatchObject({
      event_id: 'evt-2',
      action_source: 'system_generated',
      user_data: { fbc: expect.stringMatching(/^fb\.1\.\d+\.IwAR0abc$/) },
    });
    expect(events[1]!.event.custom_data, 'no custom_data without a value').toBeUndefined();
  });

  it('sends a batch over 1,000 events in several requests', async () => {
    const ctx = facebookContext(t);
    const records = Array.from({ length: 2_500 }, (_, i) => conversion(i));
    const result = await facebookAdapter.sendConversions!(ctx, { records, idempotencyKey: 'paidsync-6-0-2500' });
    expect(result.rejected).toEqual([]);
    expect(ctx.apiCalls.length, 'three requests of at most 1,000 events').toBe(3);
    expect(t.started.simulator.state.facebook.events.length).toBe(2_500);
  });

  it('lets Meta drop a resent event by its event_id', async () => {
    const ctx = facebookContext(t);
    await facebookAdapter.sendConversions!(ctx, { records: [conversion(1)], idempotencyKey: 'paidsync-7-0-1' });
    await facebookAdapter.sendConversions!(ctx, { records: [conversion(1)], idempotencyKey: 'paidsync-7-0-1' });
    const fb = t.started.simulator.state.facebook;
    expect(fb.events.length, 'kept once').toBe(1);
    expect(fb.duplicateEvents, 'the resend was deduplicated on event_id').toBe(1);
  });

  it('needs a pixelId: without one the batch fails permanently', async () => {
    const ctx = facebookContext(t, { pixelId: undefined });
    const error = await facebookAdapter.sendConversions!(ctx, { records: [conversion(1)], idempotencyKey: 'k' }).catch((e) => e);
    expect(error).toMatchObject({ kind: 'permanent', message: expect.stringContaining('pixelId') });
  });
});
