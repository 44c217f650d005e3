import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const sign = (secret: string, body: string) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

describe('Web endpoint', () => {
  it('applies add, remove and conversion batches per endpoint name', async () => {
    const add = await t.call('POST', '/web/crm', { audience: 'vip', operation: 'add', records: [{ id: 'c1', EMAIL: 'h1' }, { id: 'c2' }] });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    expect(add.body).toEqual({ accepted: 2, results: [] });
    await t.call('POST', '/web/crm', { audience: 'vip', operation: 'remove', records: [{ id: 'c1' }] });
    await t.call('POST', '/web/crm', { operation: 'conversion', records: [{ id: 'ev1', value: 3 }] });
    const crm = t.started.simulator.state.web.endpoints.get('crm')!;
    expect([...crm.audiences.get('vip')!.keys()]).toEqual(['c2']);
    expect(crm.conversions.get('ev1')).toEqual({ id: 'ev1', value: 3 });
    expect(t.started.simulator.state.web.batches.map((b) => b.operation)).toEqual(['add', 'remove', 'conversion']);
  });

  it('verifies X-Paidsync-Signature when a secret is set for the endpoint', async () => {
    await t.control({ webSecrets: { signed: 's3cret' } });
    const body = JSON.stringify({ audience: 'a', operation: 'add', records: [{ id: 'c1' }] });
    const good = await t.call('POST', '/web/signed', body, {
      'content-type': 'application/json',
      'x-paidsync-signature': sign('s3cret', body),
    });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    const bad = await t.call('POST', '/web/signed', body, {
      'content-type': 'application/json',
      'x-paidsync-signature': sign('other', body),
    });
    expect(bad.status, 'wrong secret').toBe(401);
    const none = await t.call('POST', '/web/signed', body, { 'content-type': 'application/json' });
    expect(none.status, 'no signature').toBe(401);
    const unsigned = await t.call('POST', '/web/open', body, { 'content-type': 'application/json' });
    expect(unsigned.status, 'an endpoint without a secret needs no signature').toBe(200);
  });

  it('answers a repeated Idempotency-Key with the first answer and applies nothing again', async () => {
    const key = { 'idempotency-key': 'job1-item3-attempt' };
    const first = await t.call('POST', '/web/crm', { operation: 'conversion', records: [{ id: 'ev1' }] }, key);
    const replay = await t.call('POST', '/web/crm', { operation: 'conversion', records: [{ id: 'ev1' }] }, key);
    expect(replay.status).toBe(first.status);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const web = t.started.simulator.state.web;
    expect(web.batches.map((b) => b.replayed)).toEqual([false, true]);
    expect(web.endpoints.get('crm')!.conversions.size).toBe(1);
    expect(web.endpoints.get('crm')!.conversionIdsReceived.get('ev1'), 'both deliveries counted').toBe(2);
  });

  it('refuses a malformed batch as a whole with 422 (or 400 for non-JSON)', async () => {
    expect((await t.call('POST', '/web/crm', { audience: 'a', operation: 'upsert', records: [{ id: 1 }] })).status).toBe(422);
    expect((await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ name: 'no id' }] })).status).toBe(422);
    expect((await t.call('POST', '/web/crm', 'not json', { 'content-type': 'application/json' })).status).toBe(400);
  });
});
