import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { facebookAdapter } from './facebookAdapter.ts';
import { facebookContext, member } from '../../../test/support/adapters/facebookTestSupport.ts';

const t = useSimulator();

describe('Facebook: rows Meta counts invalid', () => {
  it('become rejected records with the reason from invalid_entry_samples; the others are added', async () => {
    const ctx = facebookContext(t);
    const audienceId = await facebookAdapter.ensureAudience(ctx, { name: 'Invalid', externalId: null });
    const bad = member(2);
    await t.control({
      faults: [
        { network: 'facebook', endpoint: 'users', kind: 'rejectRecords', values: [bad.identifiers.ids.EMAIL], reason: 'bad email hash' },
      ],
    });
    const result = await facebookAdapter.sendMembers(ctx, {
      audience: { name: 'Invalid', externalId: audienceId },
      operation: 'ADD',
      records: [member(1), bad, member(3)],
      idempotencyKey: 'paidsync-3-0-3',
    });
    expect(result.rejected, 'only the refused row is rejected').toEqual([
      { key: 'cust-2', reason: expect.stringContaining('bad email hash') },
    ]);
    expect(t.started.simulator.state.facebook.audiences.get(audienceId)!.members.size).toBe(2);
  });

  it('rejects a record with no identifiers without sending it', async () => {
    const ctx = facebookContext(t);
    const audienceId = await facebookAdapter.ensureAudience(ctx, { name: 'Empty', externalId: null });
    const result = await facebookAdapter.sendMembers(ctx, {
      audience: { name: 'Empty', externalId: audienceId },
      operation: 'ADD',
      records: [{ key: 'nobody', identifiers: { type: 'FACEBOOK_ADS', ids: {} } }],
      idempotencyKey: 'paidsync-4-0-1',
    });
    expect(result.rejected).toEqual([{ key: 'nobody', reason: 'no identifiers to match on' }]);
    expect(
      ctx.apiCalls.map((c) => c.method),
      'only the audience lookup and creation went out',
    ).toEqual(['GET', 'POST']);
  });
});

describe('Facebook: an invalid-entry sample that several rows share', () => {
  it('identifies no row, so none is wrongly rejected', async () => {
    const ctx = facebookContext(t);
    const audienceId = await facebookAdapter.ensureAudience(ctx, { name: 'Shared', externalId: null });
    const sharedFirstName = member(1).identifiers.ids.FN; // every test member is called Ada
    expect(member(2).identifiers.ids.FN).toBe(sharedFirstName);
    // only FN and LN in the rows: the sample Meta gives is the shared first-name hash
    const strip = (n: number) => ({
      key: `cust-${n}`,
      identifiers: { type: 'FACEBOOK_ADS', ids: { FN: sharedFirstName, LN: member(n).identifiers.ids.LN } },
    });
    await t.control({
      faults: [{ network: 'facebook', endpoint: 'users', kind: 'rejectRecords', values: [sharedFirstName], reason: 'too little to match' }],
    });
    const result = await facebookAdapter.sendMembers(ctx, {
      audience: { name: 'Shared', externalId: audienceId },
      operation: 'ADD',
      records: [strip(1), strip(2)],
      idempotencyKey: 'k',
    });
    expect(JSON.parse(ctx.apiCalls.at(-1)!.responseBody!).num_invalid_entries, 'Meta did count both invalid').toBe(2);
    expect(result.rejected, 'which rows it meant cannot be told').toEqual([]);
  });
});
