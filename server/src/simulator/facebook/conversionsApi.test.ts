import { describe, expect, it } from 'vitest';
import { FB, fbToken, h, useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const event = (id: string, ageSeconds = 60, name = 'Purchase') => ({
  event_name: name,
  event_time: Math.floor(t.clock.now / 1000) - ageSeconds,
  event_id: id,
  action_source: 'physical_store',
  user_data: { em: [h('a@x')], external_id: ['c1'] },
  custom_data: { currency: 'USD', value: 10 },
});

describe('Facebook Conversions API', () => {
  it('accepts events and answers events_received', async () => {
    const r = await t.call('POST', `${FB}/555/events${fbToken}`, { data: [event('e1'), event('e2')] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ events_received: 2, messages: [] });
    expect(typeof r.body.fbtrace_id).toBe('string');
    expect(t.started.simulator.state.facebook.events.map((e) => e.event.event_id)).toEqual(['e1', 'e2']);
  });

  it('drops a duplicate event_name+event_id within 48 h, keeps it after, and counts every receipt', async () => {
    await t.call('POST', `${FB}/555/events${fbToken}`, { data: [event('e1')] });
    const again = await t.call('POST', `${FB}/555/events${fbToken}`, { data: [event('e1'), event('e1', 60, 'Lead')] });
    expect(again.body.events_received, 'Meta still reports received').toBe(2);
    const fb = t.started.simulator.state.facebook;
    expect(fb.events.length, 'e1/Purchase deduplicated, e1/Lead is a different event').toBe(2);
    expect(fb.duplicateEvents).toBe(1);
    expect(fb.eventIdsReceived.get('e1')).toBe(3);
    t.clock.now += 49 * 3600 * 1000;
    await t.call('POST', `${FB}/555/events${fbToken}`, { data: [event('e1')] });
    expect(fb.events.length, 'after 48 h the same id is a new event').toBe(3);
  });

  it('rejects the whole request with code 100 subcode 2804003 when any event is older than 7 days', async () => {
    const r = await t.call('POST', `${FB}/555/events${fbToken}`, { data: [event('fresh'), event('old', 7 * 86400 + 60)] });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 100, error_subcode: 2804003, error_user_title: 'Event Timestamp Too Old' });
    expect(t.started.simulator.state.facebook.events, 'nothing kept from a refused request').toHaveLength(0);
  });

  it('refuses more than 1,000 events and events missing required fields', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => event(`e${i}`));
    const tooMany = await t.call('POST', `${FB}/555/events${fbToken}`, { data: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe(100);
    const { action_source: _drop, ...noSource } = event('x');
    const invalid = await t.call('POST', `${FB}/555/events${fbToken}`, { data: [noSource] });
    expect(invalid.body.error.error_user_msg).toContain('action_source');
  });
});
