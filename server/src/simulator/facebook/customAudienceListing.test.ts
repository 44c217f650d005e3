import { describe, expect, it } from 'vitest';
import { createFacebookAudience, FB, fbToken, useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const nameIs = (name: string) => encodeURIComponent(JSON.stringify([{ field: 'name', operator: 'EQUAL', value: name }]));
const list = (account: string, query: string, headers: Record<string, string> = {}) =>
  t.call('GET', `${FB}/act_${account}/customaudiences?${query}`, undefined, headers);

describe('Facebook custom audience listing', () => {
  it('lists the ad account audiences named exactly so, with the fields asked for', async () => {
    const id = await createFacebookAudience(t, 'VIP buyers');
    await createFacebookAudience(t, 'VIP buyers 2');
    await createFacebookAudience(t, 'VIP buyers', '9999');
    const found = await list('1234', `fields=id,name&filtering=${nameIs('VIP buyers')}`, { authorization: 'Bearer good-token' });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.data, 'only this account, only the exact name').toEqual([{ id, name: 'VIP buyers' }]);
  });

  it('leaves deleted audiences out and answers an empty data array when none match', async () => {
    const id = await createFacebookAudience(t, 'Gone');
    await t.call('DELETE', `${FB}/${id}${fbToken}`);
    const none = await list('1234', `fields=id,name&filtering=${nameIs('Gone')}&access_token=good-token`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ data: [] });
  });

  it('pages with limit and after cursors, `next` only while more remain', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await createFacebookAudience(t, 'Twin'));
    const first = await list('1234', `fields=id&filtering=${nameIs('Twin')}&limit=2&access_token=good-token`);
    expect(first.body.data.map((a: { id: string }) => a.id)).toEqual(ids.slice(0, 2));
    expect(first.body.paging.next, 'a next page is announced').toContain('after=');
    expect(first.body.paging.next, 'no token echoed in the next link').not.toContain('good-token');
    const second = await list(
      '1234',
      `fields=id&filtering=${nameIs('Twin')}&limit=2&after=${first.body.paging.cursors.after}&access_token=good-token`,
    );
    expect(second.body.data.map((a: { id: string }) => a.id)).toEqual(ids.slice(2));
    expect(second.body.paging.next, 'the last page announces none').toBeUndefined();
  });

  it('refuses unknown fields and filters it does not support with a Graph error 100', async () => {
    const field = await list('1234', 'fields=id,secret_sauce&access_token=good-token');
    expect(field.status).toBe(400);
    expect(field.body.error.code).toBe(100);
    const filter = await list(
      '1234',
      `filtering=${encodeURIComponent(JSON.stringify([{ field: 'subtype', operator: 'EQUAL', value: 'CUSTOM' }]))}&access_token=good-token`,
    );
    expect(filter.body.error.code).toBe(100);
    expect(filter.body.error.message).toMatch(/not supported/);
  });

  it('needs a token like every other endpoint', async () => {
    const refused = await list('1234', `fields=id&filtering=${nameIs('x')}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code, 'missing token').toBe(104);
  });
});
