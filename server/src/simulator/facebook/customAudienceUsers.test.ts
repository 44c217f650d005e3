import { describe, expect, it } from 'vitest';
import { createFacebookAudience, FB, fbToken, h, useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const schema = ['EMAIL', 'PHONE', 'FN'];

describe('Facebook Custom Audience users', () => {
  it('creates an audience, adds rows in a session, and answers num_received', async () => {
    const id = await createFacebookAudience(t);
    const added = await t.call('POST', `${FB}/${id}/users${fbToken}`, {
      payload: {
        schema,
        data: [
          [h('a@x'), h('111'), h('ann')],
          [h('b@x'), '', ''],
        ],
      },
      session: { session_id: 9001, batch_seq: 1, last_batch_flag: true, estimated_num_total: 2 },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toEqual({ audience_id: id, session_id: '9001', num_received: 2, num_invalid_entries: 0, invalid_entry_samples: {} });
    const audience = t.started.simulator.state.facebook.audiences.get(id)!;
    expect(audience.members.size, 'members after add').toBe(2);
    expect(audience.members.get(h('a@x'))).toEqual({ EMAIL: h('a@x'), PHONE: h('111'), FN: h('ann') });
    expect(audience.sessions.get('9001')).toEqual({ batchesReceived: [1], lastBatchReceived: true, rowsReceived: 2 });
  });

  it('removes with DELETE, finding a member by any identity field (phone here)', async () => {
    const id = await createFacebookAudience(t);
    await t.call('POST', `${FB}/${id}/users${fbToken}`, {
      payload: {
        schema,
        data: [
          [h('a@x'), h('111'), ''],
          [h('b@x'), '', ''],
        ],
      },
    });
    const removed = await t.call('DELETE', `${FB}/${id}/users${fbToken}`, { payload: { schema: ['PHONE'], data: [[h('111')]] } });
    expect(removed.status).toBe(200);
    const members = t.started.simulator.state.facebook.audiences.get(id)!.members;
    expect(members.has(h('a@x')), 'a@x should be gone').toBe(false);
    expect(members.has(h('b@x')), 'b@x should remain').toBe(true);
    const node = await t.call('GET', `${FB}/${id}${fbToken}`);
    expect(node.body.approximate_count_lower_bound).toBe(1);
  });

  it('accepts the token as Authorization: Bearer and a single-field schema as a string', async () => {
    const id = await createFacebookAudience(t);
    const added = await t.call(
      'POST',
      `${FB}/${id}/users`,
      { payload: { schema: 'EMAIL_SHA256', data: [h('c@x')] } },
      { authorization: 'Bearer tok' },
    );
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.num_received).toBe(1);
  });

  it('counts unhashed values as invalid entries with samples, and keeps them out', async () => {
    const id = await createFacebookAudience(t);
    const added = await t.call('POST', `${FB}/${id}/users${fbToken}`, {
      payload: {
        schema,
        data: [
          ['plain@x.com', '', ''],
          [h('ok'), '', ''],
        ],
      },
    });
    expect(added.body.num_invalid_entries).toBe(1);
    expect(added.body.invalid_entry_samples).toEqual({ 'plain@x.com': 'EMAIL is not a SHA-256 hex digest' });
    expect(t.started.simulator.state.facebook.audiences.get(id)!.members.size).toBe(1);
  });

  it('refuses more than 10,000 rows with code 100', async () => {
    const id = await createFacebookAudience(t);
    const data = Array.from({ length: 10_001 }, (_, i) => [h(String(i))]);
    const r = await t.call('POST', `${FB}/${id}/users${fbToken}`, { payload: { schema: ['EMAIL'], data } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(100);
    expect(r.body.error.message).toContain('10000');
    const ok = await t.call('POST', `${FB}/${id}/users${fbToken}`, { payload: { schema: ['EMAIL'], data: data.slice(0, 10_000) } });
    expect(ok.status, 'exactly 10,000 rows is allowed').toBe(200);
  });

  it('answers code 100 subcode 33 for a missing or deleted audience', async () => {
    const missing = await t.call('POST', `${FB}/999/users${fbToken}`, { payload: { schema: ['EMAIL'], data: [[h('a')]] } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'OAuthException' });
    const id = await createFacebookAudience(t);
    expect((await t.call('DELETE', `${FB}/${id}${fbToken}`)).body).toEqual({ success: true });
    const deleted = await t.call('POST', `${FB}/${id}/users${fbToken}`, { payload: { schema: ['EMAIL'], data: [[h('a')]] } });
    expect(deleted.body.error.error_subcode).toBe(33);
  });

  it('validates creation and row shapes', async () => {
    const noSource = await t.call('POST', `${FB}/act_1/customaudiences${fbToken}`, { name: 'x', subtype: 'CUSTOM' });
    expect(noSource.body.error.code).toBe(100);
    const id = await createFacebookAudience(t);
    const badRow = await t.call('POST', `${FB}/${id}/users${fbToken}`, { payload: { schema, data: [[h('a')]] } });
    expect(badRow.status).toBe(400);
    expect(badRow.body.error.message).toContain('payload.data[0]');
    const badSchema = await t.call('POST', `${FB}/${id}/users${fbToken}`, { payload: { schema: ['NOPE'], data: [[h('a')]] } });
    expect(badSchema.body.error.code).toBe(100);
  });

  it('accepts any served vNN.N version and a form-encoded body with JSON fields', async () => {
    const id = await createFacebookAudience(t);
    const form = new URLSearchParams({ payload: JSON.stringify({ schema: ['EMAIL'], data: [[h('f')]] }), access_token: 'tok' });
    const r = await t.call('POST', `/facebook/v25.0/${id}/users`, form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.num_received).toBe(1);
  });

  it('refuses a missing token (code 104) and the literal "invalid" token (code 190)', async () => {
    const id = await createFacebookAudience(t);
    const none = await t.call('POST', `${FB}/${id}/users`, { payload: { schema: ['EMAIL'], data: [[h('a')]] } });
    expect(none.body.error.code).toBe(104);
    const invalid = await t.call('POST', `${FB}/${id}/users?access_token=invalid`, { payload: { schema: ['EMAIL'], data: [[h('a')]] } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe(190);
  });
});
