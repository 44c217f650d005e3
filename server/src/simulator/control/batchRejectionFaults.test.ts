import { describe, expect, it } from 'vitest';
import {
  createFacebookAudience,
  createGoogleJob,
  createGoogleUserList,
  createLinkedInSegment,
  FB,
  fbToken,
  GOOGLE_HEADERS,
  h,
  LINKEDIN_HEADERS,
  useSimulator,
} from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();

describe('rejectBatch: a batch holding a chosen record is refused whole (so the client splits it)', () => {
  it('Meta users: HTTP 400 code 100, nothing applied; the halves without the record pass', async () => {
    const id = await createFacebookAudience(t);
    await t.control({ network: 'facebook', kind: 'rejectBatch', values: [h('poison')] });
    const send = (labels: string[]) =>
      t.call('POST', `${FB}/${id}/users${fbToken}`, { payload: { schema: ['EMAIL'], data: labels.map((l) => [h(l)]) } });
    const whole = await send(['a', 'poison', 'b', 'c']);
    expect(whole.status).toBe(400);
    expect(whole.body.error.code).toBe(100);
    expect(t.started.simulator.state.facebook.audiences.get(id)!.members.size, 'nothing applied').toBe(0);
    expect((await send(['a', 'b'])).status).toBe(200);
    expect((await send(['poison'])).status, 'the isolated record still fails').toBe(400);
  });

  it('Meta CAPI: HTTP 400 code 100 for a batch holding the event id', async () => {
    await t.control({ network: 'facebook', endpoint: 'events', kind: 'rejectBatch', values: ['ev-bad'] });
    const ev = (id: string) => ({
      event_name: 'Purchase',
      event_time: Math.floor(t.clock.now / 1000),
      event_id: id,
      action_source: 'other',
      user_data: { em: [h('x')] },
    });
    const r = await t.call('POST', `${FB}/1/events${fbToken}`, { data: [ev('ev-ok'), ev('ev-bad')] });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(100);
    expect(t.started.simulator.state.facebook.events).toHaveLength(0);
  });

  it('Web: 422 by default, 400 when chosen', async () => {
    await t.control({ network: 'web', kind: 'rejectBatch', values: ['c9'] });
    expect((await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: 'c1' }, { id: 'c9' }] })).status).toBe(422);
    await t.control({ clearFaults: true, faults: [{ network: 'web', kind: 'rejectBatch', values: ['c9'], status: 400 }] });
    expect((await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: 'c9' }] })).status).toBe(400);
    expect((await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: 'c1' }] })).status).toBe(200);
  });

  it('Google and LinkedIn: HTTP 400 for the request', async () => {
    await t.control({
      faults: [
        { network: 'google', kind: 'rejectBatch', values: [h('bad')] },
        { network: 'linkedin', kind: 'rejectBatch', values: [h('bad')] },
      ],
    });
    const job = await createGoogleJob(t, await createGoogleUserList(t));
    const g = await t.call(
      'POST',
      `/google/v26/${job}:addOperations`,
      { operations: [{ create: { userIdentifiers: [{ hashedEmail: h('bad') }] } }], enablePartialFailure: true },
      GOOGLE_HEADERS,
    );
    expect(g.status).toBe(400);
    const id = await createLinkedInSegment(t);
    const li = await t.call(
      'POST',
      `/linkedin/rest/dmpSegments/${id}/users`,
      { elements: [{ action: 'ADD', userIds: [{ idType: 'SHA256_EMAIL', idValue: h('bad') }] }] },
      { ...LINKEDIN_HEADERS, 'x-restli-method': 'BATCH_CREATE' },
    );
    expect(li.status).toBe(400);
  });

  it('without values, refuses any batch', async () => {
    await t.control({ network: 'web', kind: 'rejectBatch', count: 1 });
    expect((await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: 'c1' }] })).status).toBe(422);
    expect((await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: 'c1' }] })).status).toBe(200);
  });
});
