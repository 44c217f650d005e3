import { describe, expect, it } from 'vitest';
import { GOOGLE_HEADERS, LINKEDIN_HEADERS, FB, fbToken, useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const webAdd = (id = 'c1') => t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id }] });

describe('outage faults', () => {
  it("answer 503 in each network's error shape for the next N requests", async () => {
    await t.control({
      faults: [
        { network: 'facebook', kind: 'outage', count: 1 },
        { network: 'google', kind: 'outage', count: 1 },
        { network: 'linkedin', kind: 'outage', count: 1 },
        { network: 'web', kind: 'outage', count: 2 },
      ],
    });
    const fb = await t.call('POST', `${FB}/act_1/customaudiences${fbToken}`, { name: 'x', customer_file_source: 'USER_PROVIDED_ONLY' });
    expect(fb.status).toBe(503);
    expect(fb.body.error.code).toBe(2);
    const g = await t.call('POST', '/google/v26/customers/1234567890/userLists:mutate', {}, GOOGLE_HEADERS);
    expect(g.status).toBe(503);
    expect(g.body.error.status).toBe('UNAVAILABLE');
    const li = await t.call('POST', '/linkedin/rest/dmpSegments', {}, LINKEDIN_HEADERS);
    expect(li.status).toBe(503);
    expect((await webAdd()).status).toBe(503);
    expect((await webAdd()).status).toBe(503);
    expect((await webAdd()).status, 'third request after count: 2').toBe(200);
    expect(t.started.simulator.state.web.endpoints.get('crm')!.audiences.get('a')!.size, 'only the accepted batch applied').toBe(1);
  });

  it('mode "reset" destroys the socket before any work', async () => {
    await t.control({ network: 'web', kind: 'outage', mode: 'reset', count: 1 });
    await expect(webAdd(), 'fetch fails on a reset connection').rejects.toThrow();
    expect(t.started.simulator.state.web.batches, 'nothing received').toHaveLength(0);
    expect(t.started.simulator.state.requests.at(-1)).toMatchObject({ network: 'web', status: 'reset', fault: 'outage:reset' });
    expect((await webAdd()).status).toBe(200);
  });

  it('mode "resetAfterProcessing" applies the batch, then drops the connection (the client cannot know)', async () => {
    await t.control({ network: 'web', kind: 'outage', mode: 'resetAfterProcessing', count: 1 });
    await expect(t.call('POST', '/web/crm', { operation: 'conversion', records: [{ id: 'ev1' }] })).rejects.toThrow();
    const crm = t.started.simulator.state.web.endpoints.get('crm')!;
    expect(crm.conversions.has('ev1'), 'the work was done').toBe(true);
    await t.call('POST', '/web/crm', { operation: 'conversion', records: [{ id: 'ev1' }] });
    expect(crm.conversionIdsReceived.get('ev1'), 'the retry is counted as a second receipt').toBe(2);
  });

  it('mode "unavailableAfterProcessing" applies the create, then answers the network\'s 5xx as if it had failed', async () => {
    await t.control({
      network: 'facebook',
      endpoint: 'customaudiences',
      kind: 'outage',
      mode: 'unavailableAfterProcessing',
      status: 500,
      count: 1,
    });
    const lost = await t.call('POST', `${FB}/act_1234/customaudiences${fbToken}`, {
      name: 'Lost answer',
      subtype: 'CUSTOM',
      customer_file_source: 'USER_PROVIDED_ONLY',
    });
    expect(lost.status).toBe(500);
    expect(lost.body.error.code, "Meta's temporary error").toBe(2);
    expect(
      [...t.started.simulator.state.facebook.audiences.values()].map((a) => a.name),
      'the audience was made all the same',
    ).toEqual(['Lost answer']);
    expect(t.started.simulator.state.requests.at(-1)).toMatchObject({
      network: 'facebook',
      status: 500,
      fault: 'outage:unavailableAfterProcessing',
    });
    const next = await t.call('POST', `${FB}/act_1234/customaudiences${fbToken}`, {
      name: 'Answered',
      subtype: 'CUSTOM',
      customer_file_source: 'USER_PROVIDED_ONLY',
    });
    expect(next.status, 'count: 1, the next create is answered').toBe(200);
  });

  it('status can be chosen (e.g. 500)', async () => {
    await t.control({ network: 'web', kind: 'outage', status: 500, count: 1 });
    expect((await webAdd()).status).toBe(500);
  });
});
