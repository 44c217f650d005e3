import { describe, expect, it } from 'vitest';
import { createFacebookAudience, FB, fbToken, h, useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const schema = ['FN', 'LN', 'COUNTRY'];

describe('Facebook Custom Audience rows with no identity field', () => {
  it('keeps each distinct row as one member, known by all of its values, so sending it again or removing it finds it', async () => {
    const id = await createFacebookAudience(t);
    const send = (method: 'POST' | 'DELETE', data: string[][]) =>
      t.call(method, `${FB}/${id}/users${fbToken}`, { payload: { schema, data } });
    const ann = [h('ann'), h('lee'), h('us')];
    const bob = [h('bob'), h('lee'), h('us')];
    expect((await send('POST', [ann, bob, ann])).status).toBe(200);
    const members = t.started.simulator.state.facebook.audiences.get(id)!.members;
    expect(members.size, 'ann sent twice is one member, bob another').toBe(2);
    expect((await send('DELETE', [ann])).status).toBe(200);
    expect(
      members.records().map((r) => r.FN),
      'only bob left',
    ).toEqual([h('bob')]);
  });
});
