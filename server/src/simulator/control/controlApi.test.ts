import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();

describe('the control API', () => {
  it('refuses a malformed request with 400 and the reason, changing nothing', async () => {
    const r = await t.control({
      faults: [
        { network: 'web', kind: 'outage' },
        { network: 'myspace', kind: 'outage' },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toContain('fault.network');
    expect(t.started.simulator.state.faults, 'the valid first fault was not added either').toHaveLength(0);
    expect((await t.control({ network: 'web', kind: 'explode' })).body.error).toContain('fault.kind');
    expect((await t.control({ google: { matchRateRange: 'ALL' } })).status).toBe(400);
  });

  it('answers the ids of added faults and lists them in GET _state', async () => {
    const added = await t.control({
      faults: [
        { network: 'web', kind: 'latency', ms: 0 },
        { network: 'facebook', kind: 'rejectRecords', values: ['x', 'y'] },
      ],
    });
    expect(added.body).toEqual({ ok: true, faultIds: [1, 2] });
    await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: '1' }] });
    const state = await t.call('GET', '/_state');
    expect(state.status).toBe(200);
    expect(state.body.faults.map((f: any) => [f.kind, f.fired])).toEqual([
      ['latency', 1],
      ['rejectRecords', 0],
    ]);
    expect(state.body.faults[1].valueCount).toBe(2);
    expect(state.body.web.endpoints).toEqual([
      { name: 'crm', audiences: { a: 1 }, conversions: 0, conversionIdsReceived: { distinct: 0, total: 0 } },
    ]);
    expect(state.body.requests.total).toBe(1);
    expect(state.body.requests.recent[0]).toMatchObject({ network: 'web', endpoint: 'crm', method: 'POST', status: 200 });
  });

  it('POST _reset clears state and faults', async () => {
    await t.control({ network: 'web', kind: 'rateLimit' });
    await t.call('POST', '/_reset');
    expect(t.started.simulator.state.faults).toHaveLength(0);
    expect((await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: '1' }] })).status).toBe(200);
  });

  it('logs requests without their query string (Graph tokens travel there)', async () => {
    await t.call('POST', '/facebook/v27.0/act_1/customaudiences?access_token=secret-token', {
      name: 'x',
      customer_file_source: 'USER_PROVIDED_ONLY',
    });
    const entry = t.started.simulator.state.requests.at(-1)!;
    expect(entry.path).toBe('/sim/facebook/v27.0/act_1/customaudiences');
    expect(JSON.stringify(t.started.simulator.state.requests)).not.toContain('secret-token');
  });

  it('answers 404 for an unknown network or route', async () => {
    expect((await t.call('GET', '/myspace/x')).status).toBe(404);
    expect((await t.call('GET', '/linkedin/rest/nothing', undefined, { authorization: 'Bearer x' })).status).toBe(404);
  });
});
