import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { facebookAdapter } from './facebookAdapter.ts';
import { sessionIdFor } from './facebookSession.ts';
import { facebookContext, member } from '../../../test/support/adapters/facebookTestSupport.ts';

const t = useSimulator();

describe('Facebook: adding members', () => {
  it('POSTs hashed rows to /{audience}/users in a session derived from the idempotency key', async () => {
    const ctx = facebookContext(t);
    const audienceId = await facebookAdapter.ensureAudience(ctx, { name: 'Adds', externalId: null });
    const records = [member(1), member(2), member(3)];
    const result = await facebookAdapter.sendMembers(ctx, {
      audience: { name: 'Adds', externalId: audienceId },
      operation: 'ADD',
      records,
      idempotencyKey: 'paidsync-10-0-3',
    });
    expect(result.rejected, 'every row was valid').toEqual([]);
    const audience = t.started.simulator.state.facebook.audiences.get(audienceId)!;
    expect(audience.members.size, 'three members in the audience').toBe(3);
    expect(audience.members.has(records[0]!.identifiers.ids.EMAIL), 'found by its hashed email').toBe(true);

    const sent = JSON.parse(ctx.apiCalls.at(-1)!.requestBody!);
    expect(sent.payload.schema, 'only the columns the rows fill').toEqual(['EXTERN_ID', 'EMAIL', 'PHONE', 'FN', 'LN']);
    expect(sent.session).toEqual({
      session_id: sessionIdFor('paidsync-10-0-3'),
      batch_seq: 1,
      last_batch_flag: true,
      estimated_num_total: 3,
    });
    expect(audience.sessions.get(String(sent.session.session_id))).toMatchObject({
      batchesReceived: [1],
      lastBatchReceived: true,
      rowsReceived: 3,
    });
  });

  it('reuses the session id when the same batch is resent', async () => {
    const ctx = facebookContext(t);
    const audienceId = await facebookAdapter.ensureAudience(ctx, { name: 'Resend', externalId: null });
    const batch = {
      audience: { name: 'Resend', externalId: audienceId },
      operation: 'ADD' as const,
      records: [member(1)],
      idempotencyKey: 'paidsync-11-0-1',
    };
    await facebookAdapter.sendMembers(ctx, batch);
    await facebookAdapter.sendMembers(ctx, batch);
    const sessions = t.started.simulator.state.facebook.audiences.get(audienceId)!.sessions;
    expect([...sessions.keys()], 'one session for both sends').toEqual([String(sessionIdFor('paidsync-11-0-1'))]);
    expect(sessionIdFor('paidsync-11-0-1'), 'another key, another session').not.toBe(sessionIdFor('paidsync-12-0-1'));
    expect(
      Number.isSafeInteger(sessionIdFor('paidsync-11-0-1')) && sessionIdFor('paidsync-11-0-1') > 0,
      'a positive int64 exact in JSON',
    ).toBe(true);
  });

  it('splits a batch over 10,000 rows into several requests of one session', async () => {
    const ctx = facebookContext(t);
    const audienceId = await facebookAdapter.ensureAudience(ctx, { name: 'Big', externalId: null });
    const records = Array.from({ length: 10_001 }, (_, i) => member(i));
    await facebookAdapter.sendMembers(ctx, {
      audience: { name: 'Big', externalId: audienceId },
      operation: 'ADD',
      records,
      idempotencyKey: 'paidsync-12-0-10001',
    });
    const audience = t.started.simulator.state.facebook.audiences.get(audienceId)!;
    expect(audience.members.size).toBe(10_001);
    expect([...audience.sessions.values()], 'batch_seq 1 and 2 of one session, the last flagged').toEqual([
      { batchesReceived: [1, 2], lastBatchReceived: true, rowsReceived: 10_001 },
    ]);
  });
});
