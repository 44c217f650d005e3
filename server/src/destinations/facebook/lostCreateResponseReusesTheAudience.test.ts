// A create whose answer is lost (the network made the audience, the client saw a reset or a 5xx) is
// retried by the engine: the retry must find that audience by name instead of making a second one.
import { describe, expect, it } from 'vitest';
import { failureOf, useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { facebookAdapter } from './facebookAdapter.ts';
import { facebookContext } from '../../../test/support/adapters/facebookTestSupport.ts';

const t = useSimulator();
const audiencesNamed = (name: string) =>
  [...t.started.simulator.state.facebook.audiences.values()].filter((a) => a.name === name && !a.deleted);

describe('Facebook: a lost audience-creation answer', () => {
  for (const mode of ['resetAfterProcessing', 'unavailableAfterProcessing'] as const) {
    it(`(${mode}) fails the attempt as external, and the retry reuses the audience Meta made`, async () => {
      await t.control({ faults: [{ network: 'facebook', endpoint: 'customaudiences', kind: 'outage', mode, status: 500, count: 1 }] });
      const ctx = facebookContext(t);
      const lost = await failureOf(facebookAdapter.ensureAudience(ctx, { name: 'Lapsed buyers', externalId: null }));
      expect(lost.kind, `a lost answer is retried by the engine: ${lost.message}`).toBe('external');
      expect(audiencesNamed('Lapsed buyers'), 'Meta made the audience despite the lost answer').toHaveLength(1);

      const id = await facebookAdapter.ensureAudience(ctx, { name: 'Lapsed buyers', externalId: null });
      expect(
        audiencesNamed('Lapsed buyers').map((a) => a.id),
        'the retry reused it: still exactly one',
      ).toEqual([id]);
      const retry = ctx.apiCalls.slice(2).map((c) => c.method);
      expect(retry, 'the retry only looked the audience up').toEqual(['GET']);
      const lookup = new URL(ctx.apiCalls[2]!.url);
      expect(JSON.parse(lookup.searchParams.get('filtering')!), 'looked up by exact name').toEqual([
        { field: 'name', operator: 'EQUAL', value: 'Lapsed buyers' },
      ]);
      expect(lookup.searchParams.get('fields')).toBe('id,name,description');
    });
  }

  it('does not take an audience of another ad account, a deleted one, or one whose name only contains it', async () => {
    const other = await facebookAdapter.ensureAudience(facebookContext(t, { adAccountId: 'act_999' }), {
      name: 'Winback',
      externalId: null,
    });
    const deleted = await facebookAdapter.ensureAudience(facebookContext(t), { name: 'Winback', externalId: null });
    const removed = await fetch(`${t.url}/facebook/v27.0/${deleted}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer someone-in-ads-manager' },
    });
    expect(removed.status, 'the audience was deleted in Meta').toBe(200);
    await facebookAdapter.ensureAudience(facebookContext(t), { name: 'Winback 2024', externalId: null });

    const id = await facebookAdapter.ensureAudience(facebookContext(t), { name: 'Winback', externalId: null });
    expect([other, deleted], 'a new audience was made').not.toContain(id);
    expect(t.started.simulator.state.facebook.audiences.get(id)).toMatchObject({ adAccountId: '1234', name: 'Winback', deleted: false });
  });

  it('never takes over an audience someone made by hand under the same name', async () => {
    const made = await fetch(`${t.url}/facebook/v27.0/act_1234/customaudiences`, {
      method: 'POST',
      headers: { authorization: 'Bearer someone-in-ads-manager', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'VIP', subtype: 'CUSTOM', customer_file_source: 'USER_PROVIDED_ONLY', description: 'made by hand' }),
    });
    const handMade = ((await made.json()) as { id: string }).id;
    const id = await facebookAdapter.ensureAudience(facebookContext(t), { name: 'VIP', externalId: null });
    expect(id, 'paidsync made its own audience rather than fill (and empty) the hand-made one').not.toBe(handMade);
    expect(audiencesNamed('VIP'), 'both audiences exist').toHaveLength(2);
  });

  it('fails the attempt when the lookup fails, rather than creating blind', async () => {
    await t.control({ faults: [{ network: 'facebook', endpoint: 'listCustomAudiences', kind: 'outage', count: 1 }] });
    const ctx = facebookContext(t);
    expect((await failureOf(facebookAdapter.ensureAudience(ctx, { name: 'Blind', externalId: null }))).kind).toBe('external');
    expect(
      ctx.apiCalls.map((c) => c.method),
      'no create after a failed lookup',
    ).toEqual(['GET']);
    expect(audiencesNamed('Blind')).toHaveLength(0);
  });
});
